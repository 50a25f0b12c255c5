/**
 * Structural similarity (Wang et al. 2004) with a Gaussian window, matching scikit-image's
 * `structural_similarity(im1, im2, gaussian_weights=True, sigma=1.5,
 * use_sample_covariance=False, data_range=L, channel_axis=-1)`:
 *
 *   μx = G*x, σx² = G*x² − μx², σxy = G*(xy) − μxμy, C1 = (k1·L)², C2 = (k2·L)²
 *   SSIM = (2μxμy + C1)(2σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2))
 *
 * scikit-image filters with 'reflect' padding and then averages only the map cropped by
 * (win − 1)/2 on each side, i.e. exactly the pixels whose window lies inside the image.
 * Here the filter is applied without padding ('valid'), which gives that cropped map
 * directly. The window has `windowSize` taps; scikit-image's filter always has
 * 2·floor(3.5σ + 0.5) + 1 taps, so the two agree whenever windowSize equals that (11 for
 * σ = 1.5, the default). Channels are scored separately and averaged, as scikit-image does.
 * Differentiable (conv2d, no depthwise kernels, so it trains on every backend).
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkShape } from '../check.js';
import { ShapeError, ValueError } from '../errors.js';
import { resolveDataRange } from './data_range.js';
import { checkPair } from './pair.js';

export interface SsimOptions {
  /** Data range L. Default: max − min of each sample's target (see data_range.ts). */
  readonly dataRange?: number;
  /** Odd number of window taps per axis. Default 11. */
  readonly windowSize?: number;
  /** Standard deviation of the Gaussian window, in pixels. Default 1.5. */
  readonly sigma?: number;
  /** Default 0.01. */
  readonly k1?: number;
  /** Default 0.03. */
  readonly k2?: number;
}

interface WindowOptions {
  readonly windowSize: number;
  readonly sigma: number;
  readonly k1: number;
  readonly k2: number;
}

/** Fills in defaults and validates. */
export function resolveSsimOptions(options: SsimOptions, fn: string): WindowOptions {
  const o = { windowSize: 11, sigma: 1.5, k1: 0.01, k2: 0.03, ...stripUndefined(options) };
  if (!Number.isInteger(o.windowSize) || o.windowSize < 1 || o.windowSize % 2 === 0) {
    throw new ValueError(`${fn}: windowSize must be an odd positive integer, got ${o.windowSize}`);
  }
  if (!(o.sigma > 0) || !Number.isFinite(o.sigma)) throw new ValueError(`${fn}: sigma must be > 0, got ${o.sigma}`);
  for (const k of ['k1', 'k2'] as const) {
    if (!(o[k] >= 0) || !Number.isFinite(o[k])) throw new ValueError(`${fn}: ${k} must be >= 0, got ${o[k]}`);
  }
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Normalised Gaussian taps exp(−x²/2σ²) for x = −(size−1)/2 … (size−1)/2. */
export function gaussianWindow(size: number, sigma: number): Float32Array {
  const r = (size - 1) / 2;
  const w = Array.from({ length: size }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const sum = w.reduce((a, b) => a + b, 0);
  return Float32Array.from(w, (v) => v / sum);
}

/** [B, H, W, C] -> [B·C, H, W, 1]: each channel becomes its own image (index b·C + c). */
export function foldChannels(x: tf.Tensor): tf.Tensor4D {
  const [b, h, w, c] = x.shape as [number, number, number, number];
  return tf.reshape(tf.transpose(tf.cast(x, 'float32'), [0, 3, 1, 2]), [b * c, h, w, 1]) as tf.Tensor4D;
}

/** [B·C, h, w, 1] -> [B, h, w, C]. */
export function unfoldChannels(x: tf.Tensor4D, b: number, c: number): tf.Tensor4D {
  const [, h, w] = x.shape;
  return tf.transpose(tf.reshape(x, [b, c, h, w]), [0, 2, 3, 1]) as tf.Tensor4D;
}

/** Per-image stabilisers C1 = (k1·L)², C2 = (k2·L)² as [B·C, 1, 1, 1] from a range [B]. */
export function stabilisers(range: tf.Tensor1D, channels: number, k1: number, k2: number): { c1: tf.Tensor4D; c2: tf.Tensor4D } {
  const l = tf.reshape(tf.tile(tf.reshape(range, [-1, 1]), [1, channels]), [-1, 1, 1, 1]) as tf.Tensor4D;
  return { c1: tf.square(tf.mul(l, k1)) as tf.Tensor4D, c2: tf.square(tf.mul(l, k2)) as tf.Tensor4D };
}

/**
 * SSIM and contrast-structure ((2σxy + C2) / (σx² + σy² + C2)) maps of folded images
 * [N, H, W, 1] -> [N, H − k + 1, W − k + 1, 1], k = window length.
 */
export function ssimMaps(
  x: tf.Tensor4D,
  y: tf.Tensor4D,
  c1: tf.Tensor,
  c2: tf.Tensor,
  window: Float32Array,
): { ssim: tf.Tensor4D; cs: tf.Tensor4D } {
  const k = window.length;
  const n = x.shape[0];
  const vertical = tf.tensor4d(window, [k, 1, 1, 1]);
  const horizontal = tf.tensor4d(window, [1, k, 1, 1]);
  // All five local statistics in one separable filtering pass.
  const stacked = tf.concat([x, y, tf.mul(x, x), tf.mul(y, y), tf.mul(x, y)], 0) as tf.Tensor4D;
  const filtered = tf.conv2d(tf.conv2d(stacked, vertical, 1, 'valid'), horizontal, 1, 'valid');
  const [mx, my, mxx, myy, mxy] = tf.split(filtered, [n, n, n, n, n], 0) as tf.Tensor4D[];
  const mx2 = tf.mul(mx!, mx!);
  const my2 = tf.mul(my!, my!);
  const mxmy = tf.mul(mx!, my!);
  const vx = tf.sub(mxx!, mx2);
  const vy = tf.sub(myy!, my2);
  const vxy = tf.sub(mxy!, mxmy);
  const cs = tf.div(tf.add(tf.mul(vxy, 2), c2), tf.add(tf.add(vx, vy), c2)) as tf.Tensor4D;
  const luminance = tf.div(tf.add(tf.mul(mxmy, 2), c1), tf.add(tf.add(mx2, my2), c1));
  return { ssim: tf.mul(luminance, cs), cs };
}

/** Validates [B, H, W, C] inputs large enough for the window; returns the dimensions. */
export function checkImages(pred: tf.Tensor, target: tf.Tensor, minSide: number, fn: string): { b: number; c: number } {
  checkPair(pred, target, fn);
  const { B, H, W, C } = checkShape(pred.shape, ['B', 'H', 'W', 'C'], `${fn} pred`);
  if (H! < minSide || W! < minSide) {
    throw new ShapeError(`${fn}: images must be at least ${minSide}x${minSide}, got ${H}x${W}`, pred.shape, ['B', `>=${minSide}`, `>=${minSide}`, 'C']);
  }
  return { b: B!, c: C! };
}

/**
 * SSIM map [B, H − k + 1, W − k + 1, C] (k = windowSize) of images [B, H, W, C]: the
 * region scikit-image averages. `ssim` is the mean of this map over axes 1..3.
 */
export function ssimMap(pred: tf.Tensor, target: tf.Tensor, options: SsimOptions = {}): tf.Tensor4D {
  const o = resolveSsimOptions(options, 'ssimMap');
  const { b, c } = checkImages(pred, target, o.windowSize, 'ssimMap');
  return tf.tidy(() => {
    const { c1, c2 } = stabilisers(resolveDataRange(target, options.dataRange, 'ssimMap'), c, o.k1, o.k2);
    const maps = ssimMaps(foldChannels(pred), foldChannels(target), c1, c2, gaussianWindow(o.windowSize, o.sigma));
    return unfoldChannels(maps.ssim, b, c);
  });
}

/** Mean SSIM of each sample: [B, H, W, C] x [B, H, W, C] -> [B]. Differentiable in both. */
export function ssim(pred: tf.Tensor, target: tf.Tensor, options: SsimOptions = {}): tf.Tensor1D {
  const o = resolveSsimOptions(options, 'ssim');
  const { b, c } = checkImages(pred, target, o.windowSize, 'ssim');
  return tf.tidy(() => {
    const { c1, c2 } = stabilisers(resolveDataRange(target, options.dataRange, 'ssim'), c, o.k1, o.k2);
    const maps = ssimMaps(foldChannels(pred), foldChannels(target), c1, c2, gaussianWindow(o.windowSize, o.sigma));
    return tf.mean(tf.reshape(maps.ssim, [b, -1]), 1) as tf.Tensor1D;
  });
}
