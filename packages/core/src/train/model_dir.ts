/**
 * A trained-model folder, the one format every system writes: a JSON description
 * (`<metaFile>`, with `format` and `version`) beside the networks, each a TF.js model folder
 * (model.json + weights.bin) in its own subfolder ('' for the folder itself), plus any files
 * the system adds. Written atomically: a half-written folder never replaces a good one.
 */
import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { writeDirAtomic, writeFileSynced } from './atomic_dir.js';
import { fileIOHandler } from './file_io_handler.js';
import { readModelMeta } from './model_files.js';
import { modelFilesInDir } from './node_model_files.js';

export interface ModelDirFormat {
  /** The description's file name, e.g. 'epropnp.json'. */
  readonly metaFile: string;
  /** The `format` value the description carries. */
  readonly format: string;
  /** Versions this code reads (the first is the one it writes). */
  readonly versions: readonly number[];
  /** What writes such folders, for messages: "'lacuna epropnp train' (its model/ subfolder)". */
  readonly writtenBy: string;
  /** Descriptions written before they carried a version count as the first version. */
  readonly unversionedIsFirst?: boolean;
}

export interface ModelDirContents {
  /** The description, without `format` and `version` (added here). */
  readonly meta: Readonly<Record<string, unknown>>;
  /** Networks by subfolder ('' puts model.json and weights.bin in the folder itself). */
  readonly networks?: Readonly<Record<string, tfl.LayersModel>>;
  /** More files the system writes into the folder before it is moved into place. */
  readonly extra?: (tmpDir: string) => Promise<void>;
}

/** Writes the folder atomically; `what` names the caller in errors. */
export async function saveModelDir(dir: string, format: ModelDirFormat, contents: ModelDirContents, what = 'saveModelDir'): Promise<void> {
  await writeDirAtomic(
    dir,
    async (tmp) => {
      for (const [sub, net] of Object.entries(contents.networks ?? {})) await net.save(fileIOHandler(sub ? join(tmp, sub) : tmp));
      await contents.extra?.(tmp);
      const meta = { format: format.format, version: format.versions[0], ...contents.meta };
      await writeFileSynced(join(tmp, format.metaFile), `${JSON.stringify(meta, null, 2)}\n`);
    },
    what,
  );
}

/** Reads and checks the description of a folder written by {@link saveModelDir}; errors name the folder and what is wrong. */
export async function readModelDirMeta<M>(dir: string, format: ModelDirFormat): Promise<M> {
  return readModelMeta<M>(modelFilesInDir(dir), format);
}
