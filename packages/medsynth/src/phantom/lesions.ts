/**
 * White-matter lesions (MS-like hyperintense blobs on T2 and FLAIR): small ellipsoids centred
 * in pure white matter, carved out of the white-matter fraction only, so the fractions still
 * sum to one. They draw from the subject's own 'lesions' stream, so adding them leaves the
 * rest of the anatomy unchanged.
 */
import { data } from '@lacuna/core';
import type { PhantomGrid } from './grid.js';
import { axisCoordinates } from './grid.js';
import { streamSeed } from './seeds.js';
import { ellipsoidDepth, ramp } from './shapes.js';
import type { Tissue } from './tissues.js';

export interface Lesion {
  /** World position of the centre (mm). */
  readonly centreMm: readonly [number, number, number];
  readonly semiAxesMm: readonly [number, number, number];
  /** Lesion volume after carving (mL): its fraction summed over voxels × voxel volume. */
  readonly volumeMl: number;
}

export interface LesionOptions {
  /** Inclusive range of the number of lesions. Default [4, 12]. */
  readonly count?: readonly [number, number];
  /** Range of the mean semi-axis (mm). Default [1.5, 5]. */
  readonly radiusMm?: readonly [number, number];
}

/** Adds lesions to `fractions` in place (wm → lesion) and returns them. */
export function addLesions(fractions: Record<Tissue, Float32Array>, grid: PhantomGrid, seed: number, index: number, options: LesionOptions = {}): Lesion[] {
  const rng = new data.Random(streamSeed(seed, index, 'lesions'));
  const [minCount, maxCount] = options.count ?? [4, 12];
  const [minR, maxR] = options.radiusMm ?? [1.5, 5];
  const { wm, lesion } = fractions;
  const candidates: number[] = [];
  for (let v = 0; v < wm.length; v++) if (wm[v]! >= 0.999) candidates.push(v);
  if (candidates.length === 0) return [];
  const [nx, ny, nz] = grid.dims;
  const h = grid.spacing[0];
  const invH = 1 / h;
  const xs = axisCoordinates(grid, 0);
  const ys = axisCoordinates(grid, 1);
  const zs = axisCoordinates(grid, 2);
  const count = rng.int(minCount, maxCount + 1);
  const lesions: Lesion[] = [];
  for (let l = 0; l < count; l++) {
    const v0 = candidates[rng.int(0, candidates.length)]!;
    const i0 = v0 % nx;
    const j0 = Math.floor(v0 / nx) % ny;
    const k0 = Math.floor(v0 / (nx * ny));
    const centre: [number, number, number] = [xs[i0]! + rng.uniform(-h / 2, h / 2), ys[j0]! + rng.uniform(-h / 2, h / 2), zs[k0]! + rng.uniform(-h / 2, h / 2)];
    const r = rng.uniform(minR, maxR);
    const semi: [number, number, number] = [r * rng.uniform(0.7, 1.3), r * rng.uniform(0.7, 1.3), r * rng.uniform(0.7, 1.3)];
    const reach = semi.map((s) => Math.ceil(s / h) + 1);
    let volume = 0;
    for (let k = Math.max(0, k0 - reach[2]!); k <= Math.min(nz - 1, k0 + reach[2]!); k++) {
      for (let j = Math.max(0, j0 - reach[1]!); j <= Math.min(ny - 1, j0 + reach[1]!); j++) {
        for (let i = Math.max(0, i0 - reach[0]!); i <= Math.min(nx - 1, i0 + reach[0]!); i++) {
          const f = ramp(ellipsoidDepth(xs[i]! - centre[0], ys[j]! - centre[1], zs[k]! - centre[2], semi[0], semi[1], semi[2]), invH);
          if (f <= 0) continue;
          const v = i + nx * (j + ny * k);
          const moved = wm[v]! * f;
          wm[v] = wm[v]! - moved;
          lesion[v] = lesion[v]! + moved;
          volume += moved;
        }
      }
    }
    lesions.push({ centreMm: centre, semiAxesMm: semi, volumeMl: (volume * h * h * h) / 1000 });
  }
  return lesions;
}
