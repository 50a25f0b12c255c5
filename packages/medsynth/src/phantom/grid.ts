/**
 * The phantom's voxel grid: one field of view for every subject (the anatomy varies, the grid
 * does not), BrainWeb-like 180 × 216 × 180 mm (x left→right, y posterior→anterior, z
 * inferior→superior, RAS), centred on the world origin.
 */
import { ConfigError, data } from '@lacuna/core';

/** BrainWeb's field of view in mm (181 × 217 × 181 voxels of 1 mm). */
export const DEFAULT_FOV_MM: readonly [number, number, number] = [180, 216, 180];

export interface PhantomGrid {
  readonly dims: readonly [number, number, number]; // [nx, ny, nz]
  readonly spacing: readonly [number, number, number]; // mm
  readonly affine: readonly number[]; // voxel → RAS mm, row-major 4×4
  /** World coordinate (mm) of voxel index i along each axis: origin[a] + i·spacing[a]. */
  readonly origin: readonly [number, number, number];
}

/** The grid with isotropic voxels of `voxel` covering `fovMm` (rounded to whole voxels). */
export function phantomGrid(voxel: number, fovMm: readonly [number, number, number] = DEFAULT_FOV_MM): PhantomGrid {
  if (!(voxel > 0) || !Number.isFinite(voxel)) throw new ConfigError(`phantom: voxel size must be a positive number of mm, got ${voxel}`, 'voxel', voxel);
  fovMm.forEach((f, a) => {
    if (!(f > 0) || !Number.isFinite(f)) throw new ConfigError(`phantom: field of view axis ${a} must be a positive number of mm, got ${f}`, 'fov', fovMm);
  });
  const dims = fovMm.map((f) => Math.max(1, Math.round(f / voxel))) as [number, number, number];
  if (dims.some((n) => n < 8)) throw new ConfigError(`phantom: voxel size ${voxel} mm leaves fewer than 8 voxels across the ${fovMm.join(' × ')} mm field of view`, 'voxel', voxel);
  const spacing: [number, number, number] = [voxel, voxel, voxel];
  const affine = data.centredAffine(dims, spacing);
  return { dims, spacing, affine, origin: [affine[3]!, affine[7]!, affine[11]!] };
}

/** World coordinates (mm) of the voxel centres along axis `axis`. */
export function axisCoordinates(grid: PhantomGrid, axis: 0 | 1 | 2): Float64Array {
  const n = grid.dims[axis];
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) c[i] = grid.origin[axis] + i * grid.spacing[axis];
  return c;
}
