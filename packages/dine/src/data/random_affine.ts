/**
 * Random affine augmentation of an image batch, as a digit classifier's owner trains it
 * (torchvision's RandomAffine for MNIST: a few degrees of rotation, a little scaling and
 * shifting). Each image gets its own rotation, isotropic scale and shift about its centre,
 * sampled bilinearly with zero fill (the digits' black background). Pure JS on the uint8
 * pixels, so every backend and browser gives the same numbers.
 */
import { data, tf, ValueError } from '@lacuna/core';
import { channelsOf, imageSize, type ImageBatch } from './digit_set.js';

export interface RandomAffineOptions {
  /** Largest rotation either way, degrees. Default 10. */
  readonly degrees?: number;
  /** Scale range [low, high]. Default [0.9, 1.1]. */
  readonly scale?: readonly [number, number];
  /** Largest shift either way, as a fraction of the side. Default 0.1. */
  readonly translate?: number;
}

/** The torchvision MNIST recipe's ranges: ±10 deg, scale 0.9-1.1, shift ±10 %. */
export const DEFAULT_RANDOM_AFFINE: Required<RandomAffineOptions> = { degrees: 10, scale: [0.9, 1.1], translate: 0.1 };

/**
 * Like inputBatch (values in [-1, 1], [n, H, W, C]), each image warped by its own random affine
 * map drawn from `rng`.
 */
export function randomAffineBatch(images: ImageBatch, indices: ArrayLike<number>, rng: data.Random, options: RandomAffineOptions = {}): tf.Tensor4D {
  const o = { ...DEFAULT_RANDOM_AFFINE, ...options };
  if (!(o.degrees >= 0) || !(o.translate >= 0) || !(o.scale[0] > 0 && o.scale[1] >= o.scale[0])) {
    throw new ValueError(`randomAffineBatch: degrees and translate must be >= 0 and 0 < scale[0] <= scale[1], got ${JSON.stringify(o)}`);
  }
  const H = images.height, W = images.width, C = channelsOf(images), size = imageSize(images);
  const n = indices.length;
  const out = new Float32Array(n * size);
  const cy = (H - 1) / 2, cx = (W - 1) / 2;
  for (let i = 0; i < n; i++) {
    const src = images.pixels.subarray(indices[i]! * size, (indices[i]! + 1) * size);
    const angle = (rng.uniform(-o.degrees, o.degrees) * Math.PI) / 180;
    const s = rng.uniform(o.scale[0], o.scale[1]);
    const tx = rng.uniform(-o.translate, o.translate) * W, ty = rng.uniform(-o.translate, o.translate) * H;
    // Output pixel p maps from source point R(-angle) (p - c - t) / s + c.
    const cos = Math.cos(angle) / s, sin = Math.sin(angle) / s;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const dx = x - cx - tx, dy = y - cy - ty;
        const sx = cos * dx + sin * dy + cx, sy = -sin * dx + cos * dy + cy;
        const x0 = Math.floor(sx), y0 = Math.floor(sy);
        const fx = sx - x0, fy = sy - y0;
        // The four neighbours' offsets, or -1 outside the image (zero fill); shared by the channels.
        const inX0 = x0 >= 0 && x0 < W, inX1 = x0 + 1 >= 0 && x0 + 1 < W, inY0 = y0 >= 0 && y0 < H, inY1 = y0 + 1 >= 0 && y0 + 1 < H;
        const o00 = inY0 && inX0 ? (y0 * W + x0) * C : -1, o01 = inY0 && inX1 ? (y0 * W + x0 + 1) * C : -1;
        const o10 = inY1 && inX0 ? ((y0 + 1) * W + x0) * C : -1, o11 = inY1 && inX1 ? ((y0 + 1) * W + x0 + 1) * C : -1;
        const at = i * size + (y * W + x) * C;
        for (let c = 0; c < C; c++) {
          const a00 = o00 >= 0 ? src[o00 + c]! : 0, a01 = o01 >= 0 ? src[o01 + c]! : 0, a10 = o10 >= 0 ? src[o10 + c]! : 0, a11 = o11 >= 0 ? src[o11 + c]! : 0;
          const v = (1 - fy) * ((1 - fx) * a00 + fx * a01) + fy * ((1 - fx) * a10 + fx * a11);
          out[at + c] = v / 127.5 - 1;
        }
      }
    }
  }
  return tf.tensor4d(out, [n, H, W, C]);
}
