/**
 * MixUp (Zhang et al., ICLR 2018) as DINE regularises distillation with it: pairs each image
 * with the one at `partner[i]` (a permutation of the batch), mixes inputs and targets with
 * the same λ ~ Beta(0.3, 0.3), where the targets are the student's own (detached)
 * predictions on the unmixed images; the loss is KL(mixed targets ‖ student(mixed inputs)).
 */
import { tf, stopGradient, checkCount } from '@lacuna/core';

export interface MixedBatch {
  /** [B, H, W, C] λ·x + (1 − λ)·x[partner] */
  readonly inputs: tf.Tensor4D;
  /** [B, K] λ·p + (1 − λ)·p[partner], detached */
  readonly targets: tf.Tensor2D;
}

export function mixBatch(inputs: tf.Tensor4D, probs: tf.Tensor2D, lambda: number, partner: Int32Array): MixedBatch {
  checkCount(partner.length, inputs.shape[0], () => `mixBatch: partner has ${partner.length} entries for a batch of ${inputs.shape[0]}`);
  return tf.tidy(() => {
    // Rows are permuted by a 0/1 matrix product rather than tf.gather: gather's gradient
    // (UnsortedSegmentSum) has no wasm kernel, and the tape differentiates through it even
    // when the result is detached.
    const b = partner.length;
    const perm = tf.oneHot(tf.tensor1d(partner, 'int32'), b).toFloat() as tf.Tensor2D; // [B, B], row i picks partner[i]
    const mix = (a: tf.Tensor2D): tf.Tensor2D => tf.add(tf.mul(a, lambda), tf.mul(tf.matMul(perm, a), 1 - lambda));
    const flat = tf.reshape(inputs, [b, -1]) as tf.Tensor2D;
    return { inputs: tf.reshape(mix(flat), inputs.shape) as tf.Tensor4D, targets: stopGradient(mix(probs)) };
  });
}
