/** Confusion matrix of integer labels. */
import { checkSameShape } from '../check.js';
import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from '../errors.js';

/**
 * K x K counts, `m[t][p]` = number of elements with target class t predicted as p (rows are
 * the truth, as in scikit-learn). `pred` and `target` are labels of the same shape (any
 * rank), as tensors or arrays.
 */
export function confusionMatrix(pred: tf.Tensor | ArrayLike<number>, target: tf.Tensor | ArrayLike<number>, numClasses: number): number[][] {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new ValueError(`confusionMatrix: numClasses must be a positive integer, got ${numClasses}`);
  }
  const p = pred instanceof tf.Tensor ? pred.dataSync() : pred;
  const t = target instanceof tf.Tensor ? target.dataSync() : target;
  const ps = pred instanceof tf.Tensor ? pred.shape : [p.length];
  const ts = target instanceof tf.Tensor ? target.shape : [t.length];
  checkSameShape(ps, ts, 'confusionMatrix');
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < p.length; i++) {
    for (const [v, what] of [[p[i]!, 'pred'], [t[i]!, 'target']] as const) {
      if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
        throw new ValueError(`confusionMatrix: ${what} label ${v} at flat index ${i} is not an integer in 0..${numClasses - 1}`);
      }
    }
    m[t[i]!]![p[i]!]!++;
  }
  return m;
}
