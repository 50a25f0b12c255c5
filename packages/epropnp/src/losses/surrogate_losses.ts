/**
 * The surrogate losses of the correspondence network: masked L1 on object coordinates
 * (normalised by the object's half-extent, as EPro-PnP's L1 on normalised coordinates) and a
 * mask BCE for variant A's CDPN-style baseline. Ground-truth maps come at crop resolution and
 * are average-pooled to the output map when it is smaller.
 */
import { losses, tf } from '@lacuna/core';

/** GT coordinates [B, H, W, 3] and visibility [B, H, W, 1] at output size `size`. */
export function targetsAtOutput(x3d: tf.Tensor4D, mask: tf.Tensor4D, size: number): { x3d: tf.Tensor4D; mask: tf.Tensor4D } {
  return tf.tidy(() => {
    const S = x3d.shape[1];
    if (size === S) return { x3d: tf.mul(x3d, mask) as tf.Tensor4D, mask };
    const f = S / size;
    const m = tf.avgPool(mask, f, f, 'valid');
    const sum = tf.avgPool(tf.mul(x3d, mask) as tf.Tensor4D, f, f, 'valid');
    // A coarse pixel is "on the object" when most of its fine pixels are.
    const on = tf.cast(tf.greaterEqual(m, 0.5), 'float32') as tf.Tensor4D;
    return { x3d: tf.mul(tf.div(sum, tf.maximum(m, 1e-6)), on) as tf.Tensor4D, mask: on };
  });
}

/** Mean |pred - gt| / halfExtent over visible pixels and the 3 axes. */
export function coordinateL1(pred: tf.Tensor4D, gt: tf.Tensor4D, mask: tf.Tensor4D, halfExtent: readonly number[]): tf.Scalar {
  return tf.tidy(() => {
    const scale = tf.tensor1d(halfExtent.slice(0, 3).map((h) => 1 / h));
    const K = pred.shape[3] / 3;
    // Several hypotheses per pixel [B, H, W, 3K]: each pixel pays for its nearest hypothesis
    // (winner takes all), so hypotheses are free to differ.
    const perHypothesis = Array.from({ length: K }, (_, k) => tf.sum(tf.abs(tf.mul(tf.sub(tf.slice(pred, [0, 0, 0, 3 * k], [-1, -1, -1, 3]), gt), scale)), 3, true));
    const err = tf.mul(K === 1 ? perHypothesis[0]! : tf.min(tf.concat(perHypothesis, 3), 3, true), mask);
    return tf.div(tf.sum(err), tf.add(tf.mul(tf.sum(mask), 3), 1e-6)) as tf.Scalar;
  });
}

/** Binary cross-entropy of mask logits [B, H, W, 1] against a 0/1 mask. */
export function maskBce(logits: tf.Tensor4D, mask: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => tf.mean(losses.bceWithLogits(logits, mask)) as tf.Scalar);
}
