/**
 * CT in Hounsfield units: the partial-volume mix of per-tissue CT numbers plus slightly
 * correlated Gaussian noise (reconstruction kernels correlate neighbouring voxels), rounded to
 * whole HU as a scanner stores them.
 */
import type { data } from '@lacuna/core';
import { FWHM_PER_SIGMA, gaussianBlur, gaussianKernel } from './blur.js';
import type { PhantomGrid } from './grid.js';
import { mixTissues } from './partial_volume.js';
import { GaussianSource } from './noise.js';
import { CT_HU, type Tissue } from './tissues.js';

/** Noise correlation: white noise blurred by a Gaussian of this σ (voxels). */
const NOISE_SIGMA_VOXELS = 0.6;

/**
 * White N(0, 1) noise blurred to a correlation length of NOISE_SIGMA_VOXELS and rescaled so its
 * standard deviation is `sigma`: a separable kernel k reduces the variance by (Σ k²)³.
 */
export function correlatedNoise(grid: PhantomGrid, sigma: number, rng: data.Random): Float32Array {
  const n = grid.dims[0] * grid.dims[1] * grid.dims[2];
  const white = new GaussianSource(rng).fill(new Float32Array(n), 1);
  const k = gaussianKernel(NOISE_SIGMA_VOXELS);
  let sumSq = 0;
  for (const w of k) sumSq += w * w;
  const blurred = gaussianBlur(white, grid.dims, grid.spacing, NOISE_SIGMA_VOXELS * FWHM_PER_SIGMA * grid.spacing[0]);
  const gain = sigma / Math.sqrt(sumSq ** 3);
  for (let v = 0; v < n; v++) blurred[v]! *= gain;
  return blurred;
}

/** Adds CT noise of σ `noiseHu` (0: none) to a HU image in place and rounds to whole HU. */
export function addCtNoise(hu: Float32Array, grid: PhantomGrid, noiseHu: number, rng: data.Random): Float32Array {
  if (noiseHu > 0) {
    const noise = correlatedNoise(grid, noiseHu, rng);
    for (let v = 0; v < hu.length; v++) hu[v]! += noise[v]!;
  }
  // + 0 turns −0 into 0, as an int16 file stores it.
  for (let v = 0; v < hu.length; v++) hu[v] = Math.round(hu[v]!) + 0;
  return hu;
}

/** The CT image (HU, whole numbers); `noiseHu` 0 gives the noise-free image. */
export function ctImage(fractions: Record<Tissue, Float32Array>, grid: PhantomGrid, noiseHu: number, rng: data.Random): Float32Array {
  return addCtNoise(mixTissues(fractions, CT_HU), grid, noiseHu, rng);
}
