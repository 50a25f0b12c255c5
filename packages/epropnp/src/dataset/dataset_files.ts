/** Data set files on disk (Node): encodeDataset / decodeDataset (dataset_file.ts) plus a path. */
import { data } from '@lacuna/core';
import { decodeDataset, encodeDataset } from './dataset_file.js';
import type { PoseDataset } from './pose_dataset.js';

/** Writes `ds` to `path` atomically. */
export async function writeDataset(path: string, ds: PoseDataset): Promise<void> {
  await data.writeFileAtomic(path, encodeDataset(ds), 'writeDataset');
}

/** Reads a data set file. */
export async function readDataset(path: string): Promise<PoseDataset> {
  const bytes = await data.readBytes(path, 'readDataset');
  return decodeDataset(bytes, path);
}

