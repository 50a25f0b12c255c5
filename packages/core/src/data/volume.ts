/**
 * A 3-D image on a grid: voxel values in NIfTI order (x fastest: index = i + nx·(j + ny·k)),
 * the voxel size in mm, and the 4×4 voxel → world (RAS, mm) affine, row-major.
 */
export interface Volume {
  readonly data: Float32Array; // [nz, ny, nx] in memory, x fastest
  readonly dims: readonly [number, number, number]; // [nx, ny, nz]
  readonly spacing: readonly [number, number, number]; // mm
  readonly affine: readonly number[]; // 16 numbers, row-major 4×4
}

/** The affine of an axis-aligned grid with the given spacing, centred on the world origin. */
export function centredAffine(dims: readonly [number, number, number], spacing: readonly [number, number, number]): number[] {
  const [nx, ny, nz] = dims;
  const [dx, dy, dz] = spacing;
  return [dx, 0, 0, (-(nx - 1) * dx) / 2, 0, dy, 0, (-(ny - 1) * dy) / 2, 0, 0, dz, (-(nz - 1) * dz) / 2, 0, 0, 0, 1];
}

/** Number of voxels of a grid. */
export function voxelCount(dims: readonly [number, number, number]): number {
  return dims[0] * dims[1] * dims[2];
}
