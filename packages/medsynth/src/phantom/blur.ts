/**
 * Separable 3-D Gaussian blur on a voxel grid (edges replicated, so constants stay constant),
 * used for the PET scanner's point-spread function and for correlating CT noise.
 */
import { ValueError } from '@lacuna/core';

/** FWHM = 2 √(2 ln 2) σ ≈ 2.3548 σ. */
export const FWHM_PER_SIGMA = 2 * Math.sqrt(2 * Math.LN2);

/** Normalised sampled Gaussian of standard deviation `sigma` voxels, radius ⌈3.5σ⌉. */
export function gaussianKernel(sigma: number): Float64Array {
  if (!(sigma >= 0) || !Number.isFinite(sigma)) throw new ValueError(`gaussianKernel: sigma must be a finite number >= 0, got ${sigma}`);
  if (sigma === 0) return Float64Array.of(1);
  const r = Math.max(1, Math.ceil(3.5 * sigma));
  const k = new Float64Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i]! /= sum;
  return k;
}

/** Convolves every row (along x) of `src` with `kernel` into `dst`, edges replicated. */
function blurX(src: Float32Array, dst: Float32Array, nx: number, rows: number, kernel: Float64Array): void {
  const r = (kernel.length - 1) / 2;
  const line = new Float64Array(nx + 2 * r);
  for (let row = 0; row < rows; row++) {
    const start = row * nx;
    for (let t = 0; t < nx; t++) line[t + r] = src[start + t]!;
    for (let t = 0; t < r; t++) {
      line[t] = line[r]!;
      line[nx + r + t] = line[nx + r - 1]!;
    }
    for (let t = 0; t < nx; t++) {
      let acc = 0;
      for (let q = 0; q < kernel.length; q++) acc += kernel[q]! * line[t + q]!;
      dst[start + t] = acc;
    }
  }
}

/**
 * Convolves along an outer axis: `src` is `blocks` blocks of `len` slabs of `slab` contiguous
 * values; each output slab is the kernel-weighted sum of input slabs (edges replicated), so the
 * inner loops run over contiguous memory.
 */
function blurSlabs(src: Float32Array, dst: Float32Array, blocks: number, len: number, slab: number, kernel: Float64Array): void {
  const r = (kernel.length - 1) / 2;
  const acc = new Float64Array(slab);
  for (let b = 0; b < blocks; b++) {
    const base = b * len * slab;
    for (let t = 0; t < len; t++) {
      acc.fill(0);
      for (let q = 0; q < kernel.length; q++) {
        const s = Math.min(len - 1, Math.max(0, t + q - r));
        const w = kernel[q]!;
        const off = base + s * slab;
        for (let x = 0; x < slab; x++) acc[x] += w * src[off + x]!;
      }
      dst.set(acc, base + t * slab);
    }
  }
}

/**
 * Gaussian blur with full width at half maximum `fwhmMm` (mm) on a grid of voxel size
 * `spacing` (mm); returns a new array.
 */
export function gaussianBlur(values: Float32Array, dims: readonly [number, number, number], spacing: readonly [number, number, number], fwhmMm: number): Float32Array {
  if (!(fwhmMm >= 0) || !Number.isFinite(fwhmMm)) throw new ValueError(`gaussianBlur: FWHM must be a finite number of mm >= 0, got ${fwhmMm}`);
  if (values.length !== dims[0] * dims[1] * dims[2]) throw new ValueError(`gaussianBlur: ${values.length} values for a ${dims.join('×')} grid`);
  let a = new Float32Array(values);
  let b = new Float32Array(values.length);
  const [nx, ny, nz] = dims;
  for (const axis of [0, 1, 2] as const) {
    const kernel = gaussianKernel(fwhmMm / FWHM_PER_SIGMA / spacing[axis]);
    if (kernel.length === 1) continue;
    if (axis === 0) blurX(a, b, nx, ny * nz, kernel);
    else if (axis === 1) blurSlabs(a, b, nz, ny, nx, kernel);
    else blurSlabs(a, b, 1, nz, nx * ny, kernel);
    [a, b] = [b, a];
  }
  return a;
}
