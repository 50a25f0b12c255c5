/**
 * Soft Dice loss 1 − mean over classes of (2 Σ p·t + ε) / (Σ p + Σ t + ε), sums pooled over
 * the whole batch, on `metrics.dice` with its smoothing term (MONAI DiceLoss' smooth_nr =
 * smooth_dr, default 1e-5, so a class absent from both counts as perfect).
 */
import * as tf from '@tensorflow/tfjs-core';
import { dice } from '../metrics/dice.js';

/** probabilities and one-hot targets [..., K] → scalar. */
export function softDiceLoss(probs: tf.Tensor, target: tf.Tensor, smooth = 1e-5): tf.Scalar {
  return tf.tidy(() => {
    const k = probs.shape[probs.rank - 1]!;
    // One "sample" holding every pixel of the batch: the sums are pooled, as MONAI's batch=True.
    const perClass = dice(tf.reshape(probs, [1, -1, k]), tf.reshape(target, [1, -1, k]), { smooth });
    return tf.sub(1, tf.mean(perClass)) as tf.Scalar;
  });
}
