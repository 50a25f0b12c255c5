/** Mean absolute and mean squared error per sample. Differentiable. */
import * as tf from '@tensorflow/tfjs-core';
import { checkPair, perSampleMean } from './pair.js';

/** Mean absolute error of each sample: [B, ...] x [B, ...] -> [B]. */
export function mae(pred: tf.Tensor, target: tf.Tensor): tf.Tensor1D {
  checkPair(pred, target, 'mae');
  return tf.tidy(() => perSampleMean(tf.abs(tf.sub(tf.cast(pred, 'float32'), tf.cast(target, 'float32')))));
}

/** Mean squared error of each sample: [B, ...] x [B, ...] -> [B]. */
export function mse(pred: tf.Tensor, target: tf.Tensor): tf.Tensor1D {
  checkPair(pred, target, 'mse');
  return tf.tidy(() => perSampleMean(tf.squaredDifference(tf.cast(pred, 'float32'), tf.cast(target, 'float32'))));
}
