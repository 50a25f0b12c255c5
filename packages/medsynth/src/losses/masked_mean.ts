/**
 * Means over a mask: the reduction behind the mask-aware losses. A mask is a [B, H, W, 1]
 * or [B, H, W, C] tensor of weights in [0, 1] (1 = pixel counts, e.g. inside the head),
 * broadcast over channels; the mean divides by the total weight, so a loss averaged over a
 * mask does not shrink when the mask is small.
 */
import { tf, ShapeError } from '@lacuna/core';

/** Throws unless `mask` is [B, H, W, 1] or [B, H, W, C] for values [B, H, W, C]. */
export function checkMask(mask: tf.Tensor, like: tf.Tensor, fn: string): void {
  const [b, h, w, c] = like.shape;
  const ok = mask.rank === 4 && mask.shape[0] === b && mask.shape[1] === h && mask.shape[2] === w && (mask.shape[3] === 1 || mask.shape[3] === c);
  if (!ok) {
    throw new ShapeError(`${fn}: mask must be [${b}, ${h}, ${w}, 1] or [${b}, ${h}, ${w}, ${c}], got [${mask.shape.join(', ')}]`, mask.shape, [b!, h!, w!, '1|C']);
  }
}

/**
 * Mean of `values` [B, H, W, C] weighted by `mask` (broadcast over C): Σ m·v / Σ m over all
 * samples and channels. Without a mask, the plain mean. An all-zero mask gives 0.
 */
export function maskedMean(values: tf.Tensor, mask?: tf.Tensor): tf.Scalar {
  if (!mask) return tf.mean(values) as tf.Scalar;
  return tf.tidy(() => {
    const m = tf.cast(mask, 'float32');
    const weight = tf.mul(tf.sum(m), values.shape[3]! / m.shape[3]!); // Σ m over the broadcast [B, H, W, C]
    return tf.div(tf.sum(tf.mul(values, m)), tf.maximum(weight, 1e-12)) as tf.Scalar;
  });
}
