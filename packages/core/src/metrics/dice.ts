/**
 * Dice coefficient 2|P ∩ T| / (|P| + |T|) per sample and class.
 *
 * Inputs are either label maps or one-hot maps:
 * - with `numClasses`: integer label maps [B, ...] with values in 0..numClasses−1;
 * - without: one-hot (or soft) maps [B, ..., K], class on the last axis; values are used
 *   as given, so probabilities give the soft Dice.
 *
 * Empty-both convention: when a class is absent from both prediction and target of a
 * sample, the score is `emptyValue`, 1 by default (perfect agreement, as MONAI's DiceMetric
 * with ignore_empty=False). Pass NaN to mark such cases as undefined; `Cumulative`'s mean
 * skips NaN (as MONAI's ignore_empty=True).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from '../errors.js';
import { checkPair } from './pair.js';

export interface DiceOptions {
  /** Number of classes K when inputs are label maps; omit for one-hot [B, ..., K] inputs. */
  readonly numClasses?: number;
  /** Score when a class is absent from both prediction and target. Default 1. */
  readonly emptyValue?: number;
  /** ε added to numerator and denominator, (2|P ∩ T| + ε) / (|P| + |T| + ε), as loss smoothing. Default 0. */
  readonly smooth?: number;
}

/** Dice per sample and class: -> [B, K]. */
export function dice(pred: tf.Tensor, target: tf.Tensor, options: DiceOptions = {}): tf.Tensor2D {
  const { numClasses, emptyValue = 1, smooth = 0 } = options;
  checkPair(pred, target, 'dice', numClasses === undefined ? 2 : 1);
  return tf.tidy(() => {
    let p: tf.Tensor3D; // [B, N, K]
    let t: tf.Tensor3D;
    const b = pred.shape[0]!;
    if (numClasses === undefined) {
      const k = pred.shape[pred.rank - 1]!;
      p = tf.reshape(tf.cast(pred, 'float32'), [b, -1, k]) as tf.Tensor3D;
      t = tf.reshape(tf.cast(target, 'float32'), [b, -1, k]) as tf.Tensor3D;
    } else {
      p = oneHotLabels(pred, numClasses, 'dice pred');
      t = oneHotLabels(target, numClasses, 'dice target');
    }
    const intersection = tf.sum(tf.mul(p, t), 1);
    const total = tf.add(tf.sum(p, 1), tf.sum(t, 1));
    if (smooth > 0) return tf.div(tf.add(tf.mul(intersection, 2), smooth), tf.add(total, smooth)) as tf.Tensor2D;
    const empty = tf.equal(total, 0);
    const score = tf.div(tf.mul(intersection, 2), tf.where(empty, tf.onesLike(total), total));
    return tf.where(empty, tf.fill(total.shape as [number, number], emptyValue), score) as tf.Tensor2D;
  });
}

/** Label map [B, ...] -> one-hot [B, N, K] (float32); checks the labels are integers in 0..K−1. */
export function oneHotLabels(labels: tf.Tensor, numClasses: number, what: string): tf.Tensor3D {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new ValueError(`${what}: numClasses must be a positive integer, got ${numClasses}`);
  }
  return tf.tidy(() => {
    const flat = tf.reshape(labels, [labels.shape[0]!, -1]);
    const values = flat.dataSync();
    const bad = values.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= numClasses);
    if (bad >= 0) throw new ValueError(`${what}: label ${values[bad]} at flat index ${bad} is not an integer in 0..${numClasses - 1}`);
    // One-hot as int32 then cast: tfjs-backend-wasm 4.22's OneHot with dtype float32 writes
    // int32 bit patterns (1 reads as 1.4e-45).
    return tf.cast(tf.oneHot(tf.cast(flat, 'int32'), numClasses), 'float32') as tf.Tensor3D;
  });
}
