/**
 * Multi-scale SSIM (Wang, Simoncelli & Bovik 2003), as in tf.image.ssim_multiscale and
 * pytorch_msssim: at scales 1..S−1 the mean contrast-structure term, at scale S the mean
 * SSIM, each clipped below at 0 (ReLU) and raised to its weight, multiplied together per
 * channel and averaged over channels. Between scales both images are average-pooled 2x2
 * with stride 2 ('valid': an odd last row/column is dropped). Each scale uses the same
 * Gaussian window and data range as `ssim` (see ssim.ts).
 *
 * Small images: every scale must still fit the window, so H and W must be at least
 * windowSize·2^(S−1) (176 for the default 5 scales and windowSize 11); smaller images throw
 * a ShapeError. For those pass fewer `weights` (e.g. the first three standard weights, 44
 * pixels with windowSize 11; they are not renormalised) or a smaller windowSize.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from '../errors.js';
import { resolveDataRange } from './data_range.js';
import { perSampleMean } from './pair.js';
import {
  checkImages,
  foldChannels,
  gaussianWindow,
  resolveSsimOptions,
  ssimMaps,
  stabilisers,
  type SsimOptions,
} from './ssim.js';

/** The standard 5-scale weights of Wang et al. 2003. */
export const MS_SSIM_WEIGHTS: readonly number[] = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333];

export interface MsSsimOptions extends SsimOptions {
  /** One weight per scale, finest first. Default MS_SSIM_WEIGHTS. */
  readonly weights?: readonly number[];
}

/** MS-SSIM of each sample: [B, H, W, C] x [B, H, W, C] -> [B]. Differentiable. */
export function msSsim(pred: tf.Tensor, target: tf.Tensor, options: MsSsimOptions = {}): tf.Tensor1D {
  const o = resolveSsimOptions(options, 'msSsim');
  const weights = options.weights ?? MS_SSIM_WEIGHTS;
  if (weights.length === 0 || !weights.every((w) => w >= 0 && Number.isFinite(w))) {
    throw new ValueError(`msSsim: weights must be a non-empty list of finite numbers >= 0, got [${weights.join(', ')}]`);
  }
  const { b, c } = checkImages(pred, target, o.windowSize * 2 ** (weights.length - 1), 'msSsim');
  return tf.tidy(() => {
    const { c1, c2 } = stabilisers(resolveDataRange(target, options.dataRange, 'msSsim'), c, o.k1, o.k2);
    const window = gaussianWindow(o.windowSize, o.sigma);
    let x = foldChannels(pred);
    let y = foldChannels(target);
    let product: tf.Tensor = tf.ones([b * c]);
    weights.forEach((w, i) => {
      const last = i === weights.length - 1;
      const maps = ssimMaps(x, y, c1, c2, window);
      const v = perSampleMean(last ? maps.ssim : maps.cs); // [B·C]
      const term = reluPow(v, w);
      product = tf.mul(product, term);
      if (!last) {
        x = tf.avgPool(x, 2, 2, 'valid');
        y = tf.avgPool(y, 2, 2, 'valid');
      }
    });
    return tf.mean(tf.reshape(product, [b, c]), 1) as tf.Tensor1D;
  });
}

/** max(v, 0)^w elementwise, with gradient w·v^(w−1) where v > 0 and 0 elsewhere (never NaN). */
function reluPow(v: tf.Tensor, w: number): tf.Tensor {
  const f = tf.customGrad((...args) => {
    const t = args[0] as tf.Tensor;
    (args[1] as (saved: tf.Tensor[]) => void)([t]);
    const positive = tf.greater(t, 0);
    const safe = tf.where(positive, t, tf.onesLike(t));
    return {
      value: tf.where(positive, tf.pow(safe, w), tf.zerosLike(t)),
      gradFunc: (dy, saved) => {
        const [s] = saved as [tf.Tensor];
        const pos = tf.greater(s, 0);
        const slope = tf.mul(w, tf.pow(tf.where(pos, s, tf.onesLike(s)), w - 1));
        return tf.mul(dy as tf.Tensor, tf.where(pos, slope, tf.zerosLike(s)));
      },
    };
  });
  return f(v);
}
