/** Classification accuracy per sample. */
import * as tf from '@tensorflow/tfjs-core';
import { checkPair, perSampleMean } from './pair.js';

/**
 * Fraction of elements of each sample whose predicted label equals the target label:
 * [B, ...] x [B, ...] -> [B] (for plain classification, [B] labels give 0 or 1 per sample;
 * the mean over the data set is the usual accuracy). If `pred` has one more axis than
 * `target`, it holds class scores [B, ..., K] and the argmax over the last axis is used.
 */
export function accuracy(pred: tf.Tensor, target: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const labels = pred.rank === target.rank + 1 ? tf.argMax(pred, -1) : pred;
    checkPair(labels, target, 'accuracy');
    return perSampleMean(tf.cast(tf.equal(tf.cast(labels, 'float32'), tf.cast(target, 'float32')), 'float32'));
  });
}
