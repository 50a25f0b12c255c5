/**
 * Softmax cross-entropy of logits [..., K] against integer labels [...], averaged over the
 * items, with optional label smoothing (Szegedy et al. 2016: target (1 − ε)·onehot + ε/K) and
 * class weights (PyTorch `CrossEntropyLoss(weight=w)`: Σ w_y·loss / Σ w_y).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, ValueError } from '../errors.js';

export interface CrossEntropyOptions {
  /** ε of label smoothing, in [0, 1). Default 0. */
  readonly smoothing?: number;
  /** Per-class weights (K numbers ≥ 0, not all 0). Default: equal. */
  readonly classWeights?: readonly number[];
}

/** logits [..., K], labels [...] (integers) → scalar. */
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor, options: CrossEntropyOptions = {}): tf.Scalar {
  const k = logits.shape[logits.rank - 1]!;
  if (labels.rank !== logits.rank - 1 || labels.shape.some((d, i) => d !== logits.shape[i])) {
    throw new ShapeError(`crossEntropy: logits [..., K] and labels [...] disagree: [${logits.shape.join(', ')}] and [${labels.shape.join(', ')}]`, labels.shape, logits.shape.slice(0, -1));
  }
  const eps = options.smoothing ?? 0;
  if (!(eps >= 0 && eps < 1)) throw new ValueError(`crossEntropy: smoothing must be in [0, 1), got ${eps}`);
  const w = options.classWeights;
  if (w && (w.length !== k || w.some((v) => !(v >= 0)) || !w.some((v) => v > 0))) {
    throw new ValueError(`crossEntropy: classWeights must be ${k} non-negative numbers, not all 0; got [${w.join(', ')}]`);
  }
  return tf.tidy(() => {
    const oneHot = tf.cast(tf.oneHot(tf.cast(labels, 'int32'), k), 'float32'); // [..., K]
    const target = eps > 0 ? tf.add(tf.mul(oneHot, 1 - eps), eps / k) : oneHot;
    const loss = tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits)), -1)); // [...]
    if (!w) return tf.mean(loss) as tf.Scalar;
    const itemWeight = tf.sum(tf.mul(oneHot, tf.tensor1d(w as number[])), -1);
    return tf.div(tf.sum(tf.mul(loss, itemWeight)), tf.maximum(tf.sum(itemWeight), 1e-12)) as tf.Scalar;
  });
}
