/**
 * Per-voxel features for patch-based random-forest synthesis, in the style of REPLICA (Jog et
 * al. 2017, "Random forest regression for magnetic resonance image synthesis", Medical Image
 * Analysis 35): a small intensity patch around the voxel plus a context descriptor — mean
 * intensities of regions at increasing distance in 8 directions — so the forest sees both the
 * local appearance and where the voxel sits in the anatomy. REPLICA works in 3-D (3×3×3
 * patches); we work on 2-D axial slices, and a caller who wants through-plane information
 * passes the neighbouring slices as extra channels (`axialStack(..., { context })`).
 *
 * Features of one voxel at (y, x), channel by channel (c = 0 … C−1), in this order:
 *  1. patch: the (2p+1)² intensities at (y+dy, x+dx), dy then dx from −p to p (row-major);
 *     positions outside the slice take the nearest edge pixel (replicate padding);
 *  2. context: for each radius R in `contextRadii`, for each direction (dy, dx) in
 *     N (−1,0), NE (−1,1), E (0,1), SE (1,1), S (1,0), SW (1,−1), W (0,−1), NW (−1,−1),
 *     the mean over the box of half-width ⌊R/2⌋ centred at (y+dy·R, x+dx·R) — the centre
 *     clamped into the slice, the box clipped to it (mean over the pixels inside). The box mean
 *     plays the role of REPLICA's smoothing before sampling; the radii are ours, not the paper's;
 *  3. smoothed intensity: for each half-width s in `smoothingRadii`, the mean over the box of
 *     half-width s centred at the voxel (clipped to the slice).
 * Box means come from an integral image (summed-area table, float64), O(1) each.
 */
import { ConfigError, ShapeError, ValueError, checkCount } from '@lacuna/core';
import type { SliceStack } from '../data/slice_stack.js';

export interface PatchFeatureOptions {
  /** Patch half-width p: the patch is (2p+1)×(2p+1). Default 1 (3×3). */
  readonly patchRadius?: number;
  /** Distances R of the context boxes along the 8 directions. Default [4, 8, 16, 32]. */
  readonly contextRadii?: readonly number[];
  /** Half-widths of centred box means (multi-scale smoothed intensity). Default [2, 4]. */
  readonly smoothingRadii?: readonly number[];
}

/** Options with every default filled in (what a saved model records). */
export interface ResolvedPatchFeatureOptions {
  readonly patchRadius: number;
  readonly contextRadii: readonly number[];
  readonly smoothingRadii: readonly number[];
}

/** The 8 context directions (dy, dx), clockwise from north (up = smaller y). */
export const CONTEXT_DIRECTIONS: readonly (readonly [number, number])[] = [
  [-1, 0],
  [-1, 1],
  [0, 1],
  [1, 1],
  [1, 0],
  [1, -1],
  [0, -1],
  [-1, -1],
];
const DIRECTION_NAMES = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'];

/** Fills defaults and checks every field; errors name the option. */
export function resolveFeatureOptions(options: PatchFeatureOptions = {}): ResolvedPatchFeatureOptions {
  const patchRadius = options.patchRadius ?? 1;
  const contextRadii = [...(options.contextRadii ?? [4, 8, 16, 32])];
  const smoothingRadii = [...(options.smoothingRadii ?? [2, 4])];
  if (!Number.isInteger(patchRadius) || patchRadius < 0) {
    throw new ConfigError(`patchRadius: must be an integer >= 0, got ${patchRadius}`, 'patchRadius', patchRadius);
  }
  for (const [name, list] of [
    ['contextRadii', contextRadii],
    ['smoothingRadii', smoothingRadii],
  ] as const) {
    for (const r of list) {
      if (!Number.isInteger(r) || r < 1) throw new ConfigError(`${name}: entries must be integers >= 1, got ${r}`, name, list);
    }
  }
  return { patchRadius, contextRadii, smoothingRadii };
}

/** Number of features per voxel for C source channels. */
export function featureCount(options: ResolvedPatchFeatureOptions, channels: number): number {
  const side = 2 * options.patchRadius + 1;
  return channels * (side * side + 8 * options.contextRadii.length + options.smoothingRadii.length);
}

/** Human-readable names of the features, in column order (e.g. `c0.patch[-1,0]`, `c0.ctx8.NE`). */
export function featureNames(options: ResolvedPatchFeatureOptions, channels: number): string[] {
  const names: string[] = [];
  const p = options.patchRadius;
  for (let c = 0; c < channels; c++) {
    for (let dy = -p; dy <= p; dy++) for (let dx = -p; dx <= p; dx++) names.push(`c${c}.patch[${dy},${dx}]`);
    for (const r of options.contextRadii) for (const d of DIRECTION_NAMES) names.push(`c${c}.ctx${r}.${d}`);
    for (const s of options.smoothingRadii) names.push(`c${c}.smooth${s}`);
  }
  return names;
}

/**
 * Summed-area tables of one slice, one per channel: sat[c][(y+1)(W+1) + (x+1)] is the sum of
 * channel c over rows 0..y and columns 0..x. Float64 so that box sums over a 256×256 slice
 * keep float32 precision after subtraction.
 */
export function integralImages(slice: Float32Array, height: number, width: number, channels: number): Float64Array[] {
  const w1 = width + 1;
  const tables: Float64Array[] = [];
  for (let c = 0; c < channels; c++) {
    const sat = new Float64Array((height + 1) * w1);
    for (let y = 0; y < height; y++) {
      let row = 0;
      for (let x = 0; x < width; x++) {
        row += slice[(y * width + x) * channels + c]!;
        sat[(y + 1) * w1 + x + 1] = sat[y * w1 + x + 1]! + row;
      }
    }
    tables.push(sat);
  }
  return tables;
}

/** Mean over the box [y0, y1] × [x0, x1] (inclusive, already inside the slice). */
function boxMean(sat: Float64Array, w1: number, y0: number, x0: number, y1: number, x1: number): number {
  const sum = sat[(y1 + 1) * w1 + x1 + 1]! - sat[y0 * w1 + x1 + 1]! - sat[(y1 + 1) * w1 + x0]! + sat[y0 * w1 + x0]!;
  return sum / ((y1 - y0 + 1) * (x1 - x0 + 1));
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/**
 * Features of the given pixels of one slice [H, W, C], written row by row into `out` starting
 * at row `outRow` (out is [rows, F] row-major). `pixels` are flat indexes y·W + x.
 */
export function sliceFeatures(
  slice: Float32Array, // [H, W, C]
  height: number,
  width: number,
  channels: number,
  pixels: ArrayLike<number>,
  options: ResolvedPatchFeatureOptions,
  out: Float32Array, // [rows, F]
  outRow: number,
): void {
  const nf = featureCount(options, channels);
  const tables = integralImages(slice, height, width, channels);
  const w1 = width + 1;
  const p = options.patchRadius;
  for (let k = 0; k < pixels.length; k++) {
    const pix = pixels[k]!;
    const y = Math.floor(pix / width);
    const x = pix - y * width;
    let o = (outRow + k) * nf;
    for (let c = 0; c < channels; c++) {
      const sat = tables[c]!;
      for (let dy = -p; dy <= p; dy++) {
        const yy = clamp(y + dy, 0, height - 1);
        for (let dx = -p; dx <= p; dx++) {
          const xx = clamp(x + dx, 0, width - 1);
          out[o++] = slice[(yy * width + xx) * channels + c]!;
        }
      }
      for (const r of options.contextRadii) {
        const h = r >> 1;
        for (const [dy, dx] of CONTEXT_DIRECTIONS) {
          const cy = clamp(y + dy * r, 0, height - 1);
          const cx = clamp(x + dx * r, 0, width - 1);
          out[o++] = boxMean(sat, w1, Math.max(0, cy - h), Math.max(0, cx - h), Math.min(height - 1, cy + h), Math.min(width - 1, cx + h));
        }
      }
      for (const s of options.smoothingRadii) {
        out[o++] = boxMean(sat, w1, Math.max(0, y - s), Math.max(0, x - s), Math.min(height - 1, y + s), Math.min(width - 1, x + s));
      }
    }
  }
}

/** Checks a stack's shape against its data length; returns [N, H, W, C]. */
export function checkStack(stack: SliceStack, what: string): [number, number, number, number] {
  const shape = stack.shape;
  if (shape.length !== 4 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ShapeError(`${what}: shape must be [N, H, W, C] with positive integers, got [${shape.join(', ')}]`, [...shape], ['N', 'H', 'W', 'C']);
  }
  const [n, h, w, c] = shape;
  checkCount(stack.data.length, n * h * w * c, () => `${what}: data has ${stack.data.length} values, shape [${shape.join(', ')}] needs ${n * h * w * c}`);
  return [n, h, w, c];
}

/**
 * Features of selected voxels of a stack: `voxels` are flat indexes into [N, H, W]
 * (s·H·W + y·W + x) in increasing order; the result is [voxels.length, F] row-major, row k
 * belonging to voxels[k]. Slices are processed one at a time, so memory is the output plus
 * one slice's integral images.
 */
export function stackFeatures(source: SliceStack, voxels: Int32Array, options: ResolvedPatchFeatureOptions): Float32Array {
  const [n, h, w, c] = checkStack(source, 'stackFeatures: source');
  const nf = featureCount(options, c);
  const out = new Float32Array(voxels.length * nf);
  const per = h * w;
  for (let i = 0; i < voxels.length; i++) {
    const v = voxels[i]!;
    if (v < 0 || v >= n * per) throw new ShapeError(`stackFeatures: voxel index ${v} is outside [0, ${n * per})`, [v], [n * per]);
    if (i > 0 && v <= voxels[i - 1]!) throw new ValueError(`stackFeatures: voxel indexes must be strictly increasing, got ${voxels[i - 1]} then ${v}`);
  }
  let k = 0;
  while (k < voxels.length) {
    const s = Math.floor(voxels[k]! / per);
    let end = k;
    while (end < voxels.length && Math.floor(voxels[end]! / per) === s) end++;
    const pixels = new Int32Array(end - k);
    for (let i = k; i < end; i++) pixels[i - k] = voxels[i]! - s * per;
    sliceFeatures(source.data.subarray(s * per * c, (s + 1) * per * c), h, w, c, pixels, options, out, k);
    k = end;
  }
  return out;
}
