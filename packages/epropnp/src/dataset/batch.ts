/** Mini-batches of a data set as tensors for training and evaluation. */
import { tf, ValueError } from '@lacuna/core';
import type { PoseDataset } from './pose_dataset.js';

export interface PoseBatch {
  /** [B, S, S, 3] RGB in [0, 1]. */
  readonly images: tf.Tensor4D;
  /** [B, S, S, 3] ground-truth object coordinates, metres (0 off the object). */
  readonly x3d: tf.Tensor4D;
  /** [B, S, S, 1] 1 where the object is visible. */
  readonly masks: tf.Tensor4D;
  /** [B, S, S, 1] 1 on the whole silhouette. */
  readonly objectMasks: tf.Tensor4D;
  /** [B, 7] poses [x, y, z, w, i, j, k] (float64, for the PnP layer and the metrics). */
  readonly poses: Float64Array;
  /** [B, 3] crop boxes (cx, cy, size), image pixels. */
  readonly boxes: Float64Array;
}

/** The samples `indices` of `ds` as a batch (tensors are the caller's to dispose). */
export function datasetBatch(ds: PoseDataset, indices: ArrayLike<number>): PoseBatch {
  const B = indices.length, S = ds.cropSize, px = S * S;
  const images = new Float32Array(B * px * 3), x3d = new Float32Array(B * px * 3);
  const masks = new Float32Array(B * px), objectMasks = new Float32Array(B * px);
  const poses = new Float64Array(B * 7), boxes = new Float64Array(B * 3);
  for (let b = 0; b < B; b++) {
    const i = indices[b]!;
    if (!(Number.isInteger(i) && i >= 0 && i < ds.count)) throw new ValueError(`datasetBatch: index ${i} out of range [0, ${ds.count})`);
    for (let k = 0; k < px * 3; k++) images[b * px * 3 + k] = ds.images[i * px * 3 + k]! / 255;
    x3d.set(ds.x3d.subarray(i * px * 3, (i + 1) * px * 3), b * px * 3);
    for (let k = 0; k < px; k++) {
      masks[b * px + k] = ds.masks[i * px + k]!;
      objectMasks[b * px + k] = ds.objectMasks[i * px + k]!;
    }
    poses.set(ds.poses.subarray(i * 7, i * 7 + 7), b * 7);
    boxes.set(ds.boxes.subarray(i * 3, i * 3 + 3), b * 3);
  }
  return {
    images: tf.tensor4d(images, [B, S, S, 3]),
    x3d: tf.tensor4d(x3d, [B, S, S, 3]),
    masks: tf.tensor4d(masks, [B, S, S, 1]),
    objectMasks: tf.tensor4d(objectMasks, [B, S, S, 1]),
    poses,
    boxes,
  };
}
