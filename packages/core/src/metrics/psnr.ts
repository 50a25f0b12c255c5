/** Peak signal-to-noise ratio. */
import * as tf from '@tensorflow/tfjs-core';
import { resolveDataRange } from './data_range.js';
import { mse } from './mean_error.js';
import { checkPair } from './pair.js';

export interface PsnrOptions {
  /** Data range L. Default: max − min of each sample's target (see data_range.ts). */
  readonly dataRange?: number;
}

/**
 * PSNR in dB of each sample, 10·log10(L² / MSE): [B, ...] x [B, ...] -> [B]. Identical
 * images give +Infinity (as scikit-image does).
 */
export function psnr(pred: tf.Tensor, target: tf.Tensor, options: PsnrOptions = {}): tf.Tensor1D {
  checkPair(pred, target, 'psnr');
  return tf.tidy(() => {
    const range = resolveDataRange(target, options.dataRange, 'psnr');
    const ratio = tf.div(tf.square(range), mse(pred, target));
    return tf.mul(tf.log(ratio), 10 / Math.LN10) as tf.Tensor1D;
  });
}
