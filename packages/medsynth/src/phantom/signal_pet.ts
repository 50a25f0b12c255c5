/**
 * FDG-PET: tracer activity as the partial-volume mix of per-tissue uptake (relative to white
 * matter), with grey-matter uptake lowered inside the disease region for diseased subjects
 * (regional hypometabolism, as temporo-parietal FDG deficits in Alzheimer's disease), blurred
 * by the scanner's point-spread function (Gaussian, FWHM about 5–6 mm for clinical PET/CT),
 * then Poisson count noise.
 */
import type { data } from '@lacuna/core';
import { gaussianBlur } from './blur.js';
import type { PhantomGrid } from './grid.js';
import { poisson } from './noise.js';
import { mixTissues } from './partial_volume.js';
import { PET_UPTAKE, type Tissue } from './tissues.js';

/** Per-tissue uptake with grey matter left out: its uptake varies in space (addGreyMatterUptake). */
export const PET_UPTAKE_EXCEPT_GM: Readonly<Record<Tissue, number>> = { ...PET_UPTAKE, gm: 0 };

/** Adds grey matter's share, f_gm · u_gm · (1 − hypometabolism · region), to `activity` in place. */
export function addGreyMatterUptake(activity: Float32Array, gm: Float32Array, region: Float32Array, hypometabolism: number): void {
  const uptake = PET_UPTAKE.gm;
  for (let v = 0; v < activity.length; v++) activity[v]! += gm[v]! * uptake * (1 - hypometabolism * region[v]!);
}

/**
 * Activity per voxel (white matter = 1): Σ_t f_t u_t, with the grey-matter uptake scaled by
 * 1 − hypometabolism · region(v).
 */
export function petActivity(fractions: Record<Tissue, Float32Array>, region: Float32Array, hypometabolism: number): Float32Array {
  const activity = mixTissues(fractions, PET_UPTAKE_EXCEPT_GM);
  addGreyMatterUptake(activity, fractions.gm, region, hypometabolism);
  return activity;
}

export interface PetImaging {
  /** Point-spread function FWHM (mm). */
  readonly fwhmMm: number;
  /** Expected counts per mL of white-matter-level activity; 0 means no count noise. */
  readonly countsPerMl: number;
}

/** The PET image in activity units (WM = 1): blurred activity, counted and scaled back. */
export function petImage(activity: Float32Array, grid: PhantomGrid, imaging: PetImaging, rng: data.Random): Float32Array {
  const blurred = gaussianBlur(activity, grid.dims, grid.spacing, imaging.fwhmMm);
  if (imaging.countsPerMl > 0) {
    const perVoxel = (imaging.countsPerMl * grid.spacing[0] * grid.spacing[1] * grid.spacing[2]) / 1000;
    for (let v = 0; v < blurred.length; v++) blurred[v] = poisson(Math.max(0, blurred[v]!) * perVoxel, rng) / perVoxel;
  }
  return blurred;
}
