/**
 * Pixel-wise reconstruction losses between a synthesised image and its target, [B, H, W, C]
 * each: L1 (pix2pix's λ·‖y − G(x)‖₁, Isola et al. 2017) and MSE. With a mask they average
 * over the mask's pixels only, so background outside the body neither helps nor hurts.
 */
import { tf } from '@lacuna/core';
import { checkMask, maskedMean } from './masked_mean.js';
import { checkSameImages } from './image_pair.js';

export interface PixelLossOptions {
  /** [B, H, W, 1] or [B, H, W, C] weights in [0, 1]; the loss averages over them. */
  readonly mask?: tf.Tensor;
}

/** Mean |pred − target| over all pixels (or the mask's): a scalar. */
export function l1Loss(pred: tf.Tensor, target: tf.Tensor, options: PixelLossOptions = {}): tf.Scalar {
  return pixelLoss(pred, target, options, 'l1Loss', (d) => tf.abs(d));
}

/** Mean (pred − target)² over all pixels (or the mask's): a scalar. */
export function mseLoss(pred: tf.Tensor, target: tf.Tensor, options: PixelLossOptions = {}): tf.Scalar {
  return pixelLoss(pred, target, options, 'mseLoss', (d) => tf.square(d));
}

function pixelLoss(pred: tf.Tensor, target: tf.Tensor, options: PixelLossOptions, fn: string, penalty: (d: tf.Tensor) => tf.Tensor): tf.Scalar {
  checkSameImages(pred, target, fn);
  if (options.mask) checkMask(options.mask, pred, fn);
  return tf.tidy(() => maskedMean(penalty(tf.sub(pred, target)), options.mask));
}
