/**
 * Entropy and the information-maximisation (IM) loss of SHOT (Liang et al., ICML 2020) that
 * DINE uses in both stages: L_IM = mean_i H(p_i) − H(mean_i p_i). The first term makes each
 * prediction confident, the second (subtracted) keeps the predicted classes diverse over the
 * batch. Logs take p + ε with ε = 1e-5, as the reference code's `Entropy`.
 */
import { ShapeError, tf } from '@lacuna/core';

export const ENTROPY_EPSILON = 1e-5;

/** Per-row entropy −Σ_k p_k log(p_k + ε): [B, K] → [B] (nats). */
export function entropy(probs: tf.Tensor2D, epsilon = ENTROPY_EPSILON): tf.Tensor1D {
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(probs, tf.log(tf.add(probs, epsilon))), 1)) as tf.Tensor1D);
}

/**
 * IM loss of a batch of predictions [B, K]: mean entropy − entropy of the mean prediction. With
 * a class prior π [K], the diversity term becomes KL(mean p ‖ π) = Σ_k p̄_k (log(p̄_k + ε) − log π_k):
 * the batch's predicted classes are pulled towards π instead of towards uniform, which matters
 * on an imbalanced target (USPS: 19 % zeros), where the uniform pull relabels the majority
 * class. With π uniform it is the plain loss plus log K.
 */
export function informationMaximisation(probs: tf.Tensor2D, epsilon = ENTROPY_EPSILON, prior?: ArrayLike<number>): tf.Scalar {
  return tf.tidy(() => {
    const meanEntropy = tf.mean(entropy(probs, epsilon));
    const marginal = tf.mean(probs, 0, true) as tf.Tensor2D; // [1, K]
    if (!prior) return tf.sub(meanEntropy, tf.reshape(entropy(marginal, epsilon), [])) as tf.Scalar;
    const k = probs.shape[1];
    if (prior.length !== k) throw new ShapeError(`informationMaximisation: the prior has ${prior.length} classes, the predictions ${k}`, [prior.length], [k]);
    const logPrior = tf.tensor2d(Float32Array.from(prior, (v) => Math.log(Math.max(v, epsilon))), [1, k]);
    const kl = tf.sum(tf.mul(marginal, tf.sub(tf.log(tf.add(marginal, epsilon)), logPrior)));
    return tf.add(meanEntropy, kl) as tf.Scalar;
  });
}
