/** Shared argument handling for metrics that compare a prediction with a target. */
import { checkSameShape } from '../check.js';
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors.js';

/** Throws unless `pred` and `target` have the same shape of rank >= `minRank`. */
export function checkPair(pred: tf.Tensor, target: tf.Tensor, fn: string, minRank = 1): void {
  checkSameShape(pred.shape, target.shape, fn);
  if (pred.rank < minRank) throw new ShapeError(`${fn}: pred and target must have rank >= ${minRank}, got [${pred.shape.join(', ')}]`, pred.shape, ['rank >= ' + minRank]);
}

/** Mean over every axis but the first: [B, ...] -> [B]. */
export function perSampleMean(x: tf.Tensor): tf.Tensor1D {
  return (x.rank === 1 ? x : tf.mean(tf.reshape(x, [x.shape[0]!, -1]), 1)) as tf.Tensor1D;
}
