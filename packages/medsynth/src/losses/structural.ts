/**
 * Structural-similarity losses: 1 − SSIM (Wang et al. 2004) and 1 − MS-SSIM (Wang,
 * Simoncelli & Bovik 2003), on core's differentiable metrics, [B, H, W, C] → scalar. MS-SSIM
 * suits a synthesis loss alongside L1 (Zhao et al. 2017 mix them 0.84 : 0.16).
 *
 * Masks. SSIM is a mean of a local map; with a mask the map is averaged over the pixels
 * whose window centre lies in the mask (core's map is the 'valid' region, so the mask is
 * cropped by (k − 1)/2 per side). MS-SSIM mixes scales, so a per-pixel mask has no clean
 * meaning there; instead the prediction outside the mask is replaced by the target, so the
 * background scores as a perfect match and gets no gradient.
 *
 * Scales. Every MS-SSIM scale must fit the window (side ≥ windowSize·2^(S−1)): 176 pixels
 * for the standard 5 scales with an 11-tap window. `scales` picks the first S standard
 * weights, renormalised to sum to 1 (so the loss stays a weighted geometric mean of
 * per-scale scores); by default S is the most that fit, at most 5.
 */
import { tf, metrics, ValueError } from '@lacuna/core';
import { checkSameImages } from './image_pair.js';
import { checkMask, maskedMean } from './masked_mean.js';

export interface StructuralLossOptions {
  /** Data range L of the images (1 for [0, 1]). Default: max − min of each target sample (core's rule). */
  readonly dataRange?: number;
  /** [B, H, W, 1] or [B, H, W, C] weights in [0, 1]; see the file comment. */
  readonly mask?: tf.Tensor;
  /** Odd window length. Default 11. */
  readonly windowSize?: number;
  /** Gaussian window σ in pixels. Default 1.5. */
  readonly sigma?: number;
}

export interface MsSsimLossOptions extends StructuralLossOptions {
  /** Number of scales, 1–5. Default: the most that fit the image (see the file comment). */
  readonly scales?: number;
}

/** 1 − mean SSIM over the batch (over the mask's window centres if given): a scalar. */
export function ssimLoss(pred: tf.Tensor, target: tf.Tensor, options: StructuralLossOptions = {}): tf.Scalar {
  checkSameImages(pred, target, 'ssimLoss');
  if (options.mask) checkMask(options.mask, pred, 'ssimLoss');
  const windowSize = options.windowSize ?? 11;
  return tf.tidy(() => {
    const map = metrics.ssimMap(pred, target, { dataRange: options.dataRange, windowSize, sigma: options.sigma }); // [B, H−k+1, W−k+1, C]
    const mask = options.mask ? cropToValid(options.mask, windowSize) : undefined;
    return tf.sub(1, maskedMean(map, mask)) as tf.Scalar;
  });
}

/** 1 − mean MS-SSIM over the batch: a scalar. */
export function msSsimLoss(pred: tf.Tensor, target: tf.Tensor, options: MsSsimLossOptions = {}): tf.Scalar {
  checkSameImages(pred, target, 'msSsimLoss');
  if (options.mask) checkMask(options.mask, pred, 'msSsimLoss');
  const windowSize = options.windowSize ?? 11;
  const side = Math.min(pred.shape[1]!, pred.shape[2]!);
  const scales = options.scales ?? msSsimScalesThatFit(side, windowSize);
  if (!(Number.isInteger(scales) && scales >= 1 && scales <= metrics.MS_SSIM_WEIGHTS.length)) {
    throw new ValueError(`msSsimLoss: scales must be an integer in 1..${metrics.MS_SSIM_WEIGHTS.length}, got ${scales}`);
  }
  const weights = renormalised(metrics.MS_SSIM_WEIGHTS.slice(0, scales));
  return tf.tidy(() => {
    let p = pred;
    if (options.mask) {
      const m = tf.cast(options.mask, 'float32');
      p = tf.add(tf.mul(pred, m), tf.mul(target, tf.sub(1, m))); // background := target
    }
    const score = metrics.msSsim(p, target, { dataRange: options.dataRange, windowSize, sigma: options.sigma, weights });
    return tf.sub(1, tf.mean(score)) as tf.Scalar;
  });
}

/** The most MS-SSIM scales (≤ 5) whose coarsest level still fits the window: side ≥ k·2^(S−1). */
export function msSsimScalesThatFit(side: number, windowSize = 11): number {
  let s = 0;
  while (s < metrics.MS_SSIM_WEIGHTS.length && side >= windowSize * 2 ** s) s += 1;
  if (s === 0) throw new ValueError(`msSsimLoss: images of side ${side} are smaller than the ${windowSize}-tap window`);
  return s;
}

function renormalised(w: readonly number[]): number[] {
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / total);
}

/** [B, H, W, c] → [B, H − k + 1, W − k + 1, c]: the window centres of a 'valid' k-tap filter. */
function cropToValid(mask: tf.Tensor, windowSize: number): tf.Tensor {
  const r = (windowSize - 1) / 2;
  const [b, h, w, c] = mask.shape as [number, number, number, number];
  return tf.slice(mask, [0, r, r, 0], [b, h - 2 * r, w - 2 * r, c]);
}
