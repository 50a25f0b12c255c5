/** Shared argument handling for metrics that compare a prediction with a target. */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors.js';

/** Throws unless `pred` and `target` have the same shape of rank >= `minRank`. */
export function checkPair(pred: tf.Tensor, target: tf.Tensor, fn: string, minRank = 1): void {
  const same = pred.shape.length === target.shape.length && pred.shape.every((d, i) => d === target.shape[i]);
  if (!same || pred.rank < minRank) {
    throw new ShapeError(
      `${fn}: pred and target must have the same shape of rank >= ${minRank}, got [${pred.shape.join(', ')}] and [${target.shape.join(', ')}]`,
      pred.shape,
      target.shape,
    );
  }
}

/** Mean over every axis but the first: [B, ...] -> [B]. */
export function perSampleMean(x: tf.Tensor): tf.Tensor1D {
  return (x.rank === 1 ? x : tf.mean(tf.reshape(x, [x.shape[0]!, -1]), 1)) as tf.Tensor1D;
}
