/**
 * Class-id label maps for segmentation: the task labels T of the task terms and of the
 * segmenter F. Accepted as [B, H, W] (any dtype) or [B, H, W, 1] float class ids (the layout
 * the data pipeline gives images); used internally as int32 [B, H, W] after checking that
 * every value is an integer class id 0..K−1.
 */
import { tf, ShapeError, ValueError, checkCount } from '@lacuna/core';

/**
 * `labels` [B, H, W] or [B, H, W, 1] → int32 [B, H, W] (a new tensor; the input is not
 * disposed). Throws naming `what` when a value is not an integer in 0..classes−1, or when
 * the size differs from `like` ([B, H, W, …]) if given.
 */
export function labelIds(labels: tf.Tensor, classes: number, what: string, like?: tf.Tensor): tf.Tensor3D {
  const s = labels.shape;
  if (!(labels.rank === 3 || (labels.rank === 4 && s[3] === 1))) {
    throw new ShapeError(`${what}: labels must be [B, H, W] or [B, H, W, 1], got [${s.join(', ')}]`, s, ['B', 'H', 'W', '1?']);
  }
  if (like && (s[0] !== like.shape[0] || s[1] !== like.shape[1] || s[2] !== like.shape[2])) {
    throw new ShapeError(`${what}: labels [${s.join(', ')}] do not match the images [${like.shape.join(', ')}] in B, H, W`, s, like.shape.slice(0, 3));
  }
  if (!(Number.isInteger(classes) && classes > 0)) throw new ValueError(`${what}: the number of classes must be a positive integer, got ${classes}`);
  const values = labels.dataSync();
  const bad = values.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= classes);
  if (bad >= 0) throw new ValueError(`${what}: label ${values[bad]} at flat index ${bad} is not an integer class id in 0..${classes - 1}`);
  return tf.tidy(() => tf.cast(tf.reshape(labels, [s[0]!, s[1]!, s[2]!]), 'int32') as tf.Tensor3D);
}

/** A typed array of N·H·W class ids (or a tensor) → an int32 [N, H, W] tensor, checked. */
export function labelTensor(labels: tf.Tensor | Int32Array | Uint8Array | Float32Array, shape: readonly [number, number, number], classes: number, what: string): tf.Tensor3D {
  if (labels instanceof tf.Tensor) return labelIds(labels, classes, what);
  const [n, h, w] = shape;
  checkCount(labels.length, n * h * w, () => `${what}: ${labels.length} labels for ${n} images of ${h}×${w} (need ${n * h * w})`);
  const t = tf.tensor3d(Float32Array.from(labels), [n, h, w]);
  try {
    return labelIds(t, classes, what);
  } finally {
    t.dispose();
  }
}

/** 1 + the largest value in a label array or tensor (the class count it implies). */
export function classCountOf(labels: tf.Tensor | ArrayLike<number>): number {
  const values = labels instanceof tf.Tensor ? labels.dataSync() : labels;
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]!);
  return Math.floor(max) + 1;
}
