/**
 * The demo's target domain, generated from source digits by a fixed, documented shift that a
 * source-trained LeNet handles poorly but whose class structure survives:
 *   1. rotation by a random angle in [20°, 40°] (always anticlockwise: a systematic slant),
 *   2. scaling by 0.8 about the centre,
 *   3. stroke thickening (grey-level dilation with a 3×3 square),
 *   4. additive Gaussian noise, σ = 25 grey levels, clipped to 0..255.
 * Each image draws its angle and noise from a `data.Random` seeded with `seed`.
 */
import { data } from '@lacuna/core';
import { checkDigitSet, type DigitSet } from './digit_set.js';

export interface ShiftOptions {
  readonly seed?: number;
  /** Degrees. Default [20, 40]. */
  readonly angleRange?: readonly [number, number];
  /** Default 0.8. */
  readonly scale?: number;
  /** Default 25 grey levels. */
  readonly noiseStd?: number;
  /** Default true. */
  readonly dilate?: boolean;
}

function rotateScale(src: Uint8Array, h: number, w: number, degrees: number, scale: number): Float32Array {
  const out = new Float32Array(h * w);
  const c = Math.cos((degrees * Math.PI) / 180) / scale;
  const s = Math.sin((degrees * Math.PI) / 180) / scale;
  const cy = (h - 1) / 2, cx = (w - 1) / 2;
  const at = (y: number, x: number) => (y >= 0 && y < h && x >= 0 && x < w ? src[y * w + x]! : 0);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    // Inverse map: output pixel → source position.
    const dy = y - cy, dx = x - cx;
    const sx = c * dx - s * dy + cx;
    const sy = s * dx + c * dy + cy;
    const x0 = Math.floor(sx), y0 = Math.floor(sy);
    const tx = sx - x0, ty = sy - y0;
    out[y * w + x] = (at(y0, x0) * (1 - tx) + at(y0, x0 + 1) * tx) * (1 - ty) + (at(y0 + 1, x0) * (1 - tx) + at(y0 + 1, x0 + 1) * tx) * ty;
  }
  return out;
}

function dilate3(src: Float32Array, h: number, w: number): Float32Array {
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let m = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const yy = y + dy, xx = x + dx;
      if (yy >= 0 && yy < h && xx >= 0 && xx < w) m = Math.max(m, src[yy * w + xx]!);
    }
    out[y * w + x] = m;
  }
  return out;
}

/** The shifted copy of `set` (same labels), see the module comment. */
export function shiftedDigits(set: DigitSet, options: ShiftOptions = {}): DigitSet {
  const rng = new data.Random(options.seed ?? 7);
  const [a0, a1] = options.angleRange ?? [20, 40];
  const scale = options.scale ?? 0.8;
  const noise = options.noiseStd ?? 25;
  const { height: h, width: w } = set;
  const size = h * w;
  const pixels = new Uint8Array(set.count * size);
  for (let i = 0; i < set.count; i++) {
    let img = rotateScale(set.pixels.subarray(i * size, (i + 1) * size), h, w, rng.uniform(a0, a1), scale);
    if (options.dilate ?? true) img = dilate3(img, h, w);
    for (let p = 0; p < size; p++) pixels[i * size + p] = Math.min(255, Math.max(0, Math.round(img[p]! + (noise > 0 ? rng.normal(0, noise) : 0))));
  }
  return checkDigitSet({ ...set, pixels, name: `${set.name}, shifted` });
}
