/**
 * Resizing digits to the network input the way MNIST frames them: MNIST digits were
 * size-normalised to fit a 20×20 box (aspect kept) and centred by their centre of mass in a
 * 28×28 field (LeCun et al.). USPS digits fill their whole 16×16 field, so a plain 16→28
 * resize would give digits much larger than MNIST's; `frameDigit` instead fits the ink's
 * bounding box into a box×box square (bilinear), then places it so that its centre of mass
 * is at the field's centre.
 */
import { ValueError } from '@lacuna/core';
import { checkDigitSet, type DigitSet } from './digit_set.js';

export interface FrameOptions {
  /** Output side. Default 28. */
  readonly size?: number;
  /** Side of the square the ink's bounding box is fitted into. Default 20. */
  readonly box?: number;
}

/** Bilinear resample of a [h, w] image to [oh, ow] (pixel centres aligned, as PIL/torchvision). */
export function resizeBilinear(src: Float32Array, h: number, w: number, oh: number, ow: number): Float32Array {
  const out = new Float32Array(oh * ow);
  const sy = h / oh;
  const sx = w / ow;
  for (let y = 0; y < oh; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h - 1);
    const ty = fy - y0;
    for (let x = 0; x < ow; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, w - 1);
      const tx = fx - x0;
      const top = src[y0 * w + x0]! * (1 - tx) + src[y0 * w + x1]! * tx;
      const bottom = src[y1 * w + x0]! * (1 - tx) + src[y1 * w + x1]! * tx;
      out[y * ow + x] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}

/** One [h, w] uint8 digit → [size, size] uint8, framed as MNIST (see the module comment). */
export function frameDigit(src: Uint8Array, h: number, w: number, options: FrameOptions = {}): Uint8Array {
  const size = options.size ?? 28;
  const box = options.box ?? 20;
  if (!(box >= 1 && box <= size)) throw new ValueError(`frameDigit: box must be in 1..${size}, got ${box}`);
  // Bounding box of the ink (pixels > 0).
  let top = h, bottom = -1, left = w, right = -1;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (src[y * w + x]! > 0) {
    top = Math.min(top, y); bottom = Math.max(bottom, y); left = Math.min(left, x); right = Math.max(right, x);
  }
  const out = new Uint8Array(size * size);
  if (bottom < 0) return out; // a blank image stays blank
  const bh = bottom - top + 1;
  const bw = right - left + 1;
  const crop = new Float32Array(bh * bw);
  for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) crop[y * bw + x] = src[(top + y) * w + left + x]!;
  const scale = box / Math.max(bh, bw);
  const oh = Math.max(1, Math.round(bh * scale));
  const ow = Math.max(1, Math.round(bw * scale));
  const resized = resizeBilinear(crop, bh, bw, oh, ow);
  // Centre of mass of the resized digit, placed at the field's centre.
  let mass = 0, cy = 0, cx = 0;
  for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) {
    const v = resized[y * ow + x]!;
    mass += v; cy += v * y; cx += v * x;
  }
  const oy = Math.round((size - 1) / 2 - cy / mass);
  const ox = Math.round((size - 1) / 2 - cx / mass);
  for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) {
    const ty = y + oy, tx = x + ox;
    if (ty >= 0 && ty < size && tx >= 0 && tx < size) out[ty * size + tx] = Math.min(255, Math.max(0, Math.round(resized[y * ow + x]!)));
  }
  return out;
}

/** How a digit smaller than the network input is brought to it. */
export type ResizeMode = 'frame' | 'stretch';
export const RESIZE_MODES: readonly ResizeMode[] = ['frame', 'stretch'];

/**
 * Every image of `set` to size×size: 'frame' (default) as MNIST frames its digits (above);
 * 'stretch' resizes the whole field bilinearly, as the reference code's 28×28 USPS copy does,
 * so USPS digits stay larger and thicker than MNIST's (a bigger domain gap).
 */
export function resizeDigits(set: DigitSet, mode: ResizeMode = 'frame', size = 28): DigitSet {
  if ((set.channels ?? 1) !== 1) throw new ValueError(`resizeDigits: '${set.name}' has colour images; framing and stretching are for grey digits`);
  if (mode === 'frame') return frameDigits(set, { size });
  if (set.height === size && set.width === size) return set;
  const inSize = set.height * set.width;
  const pixels = new Uint8Array(set.count * size * size);
  for (let i = 0; i < set.count; i++) {
    const src = Float32Array.from(set.pixels.subarray(i * inSize, (i + 1) * inSize));
    const out = resizeBilinear(src, set.height, set.width, size, size);
    for (let p = 0; p < size * size; p++) pixels[i * size * size + p] = Math.min(255, Math.max(0, Math.round(out[p]!)));
  }
  return checkDigitSet({ ...set, pixels, height: size, width: size });
}

/** Frames every image of `set` to size×size (sets already of that size are returned as they are). */
export function frameDigits(set: DigitSet, options: FrameOptions = {}): DigitSet {
  const size = options.size ?? 28;
  if (set.height === size && set.width === size) return set;
  const inSize = set.height * set.width;
  const pixels = new Uint8Array(set.count * size * size);
  for (let i = 0; i < set.count; i++) {
    pixels.set(frameDigit(set.pixels.subarray(i * inSize, (i + 1) * inSize), set.height, set.width, options), i * size * size);
  }
  return checkDigitSet({ ...set, pixels, height: size, width: size });
}
