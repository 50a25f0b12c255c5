/**
 * The data range L of PSNR and SSIM (the span of valid intensities: 1 for images in [0, 1],
 * 255 for 8-bit). Rule when it is not given: each sample uses max − min of its own target,
 * so a sample's score does not depend on the rest of the batch. A constant target has no
 * range and is an error; pass `dataRange` for those.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from '../errors.js';

/** Per-sample data range [B] for a target [B, ...]. */
export function resolveDataRange(target: tf.Tensor, dataRange: number | undefined, fn: string): tf.Tensor1D {
  const b = target.shape[0]!;
  if (dataRange !== undefined) {
    if (!(dataRange > 0) || !Number.isFinite(dataRange)) {
      throw new ValueError(`${fn}: dataRange must be a finite number > 0, got ${dataRange}`);
    }
    return tf.fill([b], dataRange) as tf.Tensor1D;
  }
  return tf.tidy(() => {
    const flat = tf.reshape(tf.cast(target, 'float32'), [b, -1]);
    const range = tf.sub(tf.max(flat, 1), tf.min(flat, 1)) as tf.Tensor1D;
    const values = range.dataSync();
    const bad = values.findIndex((r) => !(r > 0) || !Number.isFinite(r));
    if (bad >= 0) {
      throw new ValueError(
        `${fn}: dataRange not given and target sample ${bad} has range ${values[bad]} (max - min); pass dataRange explicitly`,
      );
    }
    return range;
  });
}
