/**
 * KL(target ‖ softmax(logits)) summed over classes and averaged over the batch (PyTorch's
 * `KLDivLoss(reduction='batchmean')` on log-softmax): Σ_k t_k (log t_k − log softmax(z)_k),
 * with 0·log 0 = 0. The target is a constant; gradients flow into the logits only.
 */
import * as tf from '@tensorflow/tfjs-core';
import { stopGradient } from '../ops/stop_gradient.js';

/**
 * target [B, K] probabilities, logits [B, K] → scalar. `rowWeights` [B] (optional) scales each
 * row's KL before the batch mean (0 leaves a row out, e.g. an image without a teacher answer).
 */
export function klDivergence(target: tf.Tensor2D, logits: tf.Tensor2D, rowWeights?: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const t = stopGradient(target);
    // t·log t with the 0·log 0 = 0 convention: log(max(t, 1e-30)) is finite where t = 0.
    const tLogT = tf.mul(t, tf.log(tf.maximum(t, 1e-30)));
    const crossTerm = tf.mul(t, tf.logSoftmax(logits));
    const rows = tf.sum(tf.sub(tLogT, crossTerm), 1);
    return tf.div(tf.sum(rowWeights ? tf.mul(rows, rowWeights) : rows), logits.shape[0]) as tf.Scalar;
  });
}
