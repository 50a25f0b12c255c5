/**
 * Cross-entropy with label smoothing (Szegedy et al. 2016), SHOT's source-training loss
 * `CrossEntropyLabelSmooth`: target (1 − ε)·onehot(y) + ε/K, loss −Σ_k t_k log softmax(z)_k
 * averaged over the batch.
 */
import { tf } from '@lacuna/core';

/** logits [B, K], labels [B] int → scalar. */
export function smoothedCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, epsilon = 0.1): tf.Scalar {
  return tf.tidy(() => {
    const k = logits.shape[1];
    const target = tf.add(tf.mul(tf.oneHot(tf.cast(labels, 'int32'), k), 1 - epsilon), epsilon / k);
    return tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1))) as tf.Scalar;
  });
}
