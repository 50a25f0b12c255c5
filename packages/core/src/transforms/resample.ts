/**
 * Resampling through the affines: `resampleToGrid` puts a volume onto another grid (another
 * scan's, as MONAI's ResampleToMatch), reading each output voxel's world position back into the
 * input (trilinear for images, nearest for labels; outside the input is `fill`);
 * `resampleToSpacing` changes the voxel size over the same field of view (MONAI's Spacing).
 */
import { ValueError } from '../errors.js';
import type { Volume } from '../data/volume.js';
import { multiply4 } from './orientation.js';

/** A voxel grid: its size and its voxel → world affine (row-major 4x4). */
export interface Grid {
  readonly dims: readonly [number, number, number];
  readonly affine: readonly number[];
}

export type InterpolationMode = 'linear' | 'nearest';

export interface ResampleOptions {
  /** 'linear' (trilinear, images; default) or 'nearest' (labels). */
  readonly mode?: InterpolationMode;
  /** Value outside the input volume. Default 0. */
  readonly fill?: number;
}

/** Inverse of an affine 4x4 (last row 0 0 0 1); an error when singular. */
export function invertAffine(a: readonly number[]): number[] {
  const [m00, m01, m02, t0, m10, m11, m12, t1, m20, m21, m22, t2] = a as number[];
  const c00 = m11! * m22! - m12! * m21!, c01 = m02! * m21! - m01! * m22!, c02 = m01! * m12! - m02! * m11!;
  const det = m00! * c00 + m10! * c01 + m20! * c02;
  if (!(Math.abs(det) > 1e-12) || !Number.isFinite(det)) throw new ValueError(`invertAffine: the affine is singular (determinant ${det})`);
  const inv = [
    c00 / det, c01 / det, c02 / det,
    (m12! * m20! - m10! * m22!) / det, (m00! * m22! - m02! * m20!) / det, (m02! * m10! - m00! * m12!) / det,
    (m10! * m21! - m11! * m20!) / det, (m01! * m20! - m00! * m21!) / det, (m00! * m11! - m01! * m10!) / det,
  ];
  const t = [t0!, t1!, t2!];
  const out = new Array<number>(16).fill(0);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) out[r * 4 + c] = inv[r * 3 + c]!;
    out[r * 4 + 3] = -(inv[r * 3]! * t[0]! + inv[r * 3 + 1]! * t[1]! + inv[r * 3 + 2]! * t[2]!);
  }
  out[15] = 1;
  return out;
}

/** `volume` on `grid`: each output voxel reads the input at its world position. */
export function resampleToGrid(volume: Volume, grid: Grid, options: ResampleOptions = {}): Volume {
  const mode = options.mode ?? 'linear';
  const fill = options.fill ?? 0;
  const [nx, ny, nz] = volume.dims;
  if (volume.data.length !== nx * ny * nz) throw new ValueError(`resampleToGrid: ${volume.data.length} values for a ${nx}x${ny}x${nz} grid`);
  const [ox, oy, oz] = grid.dims;
  if (![ox, oy, oz].every((n) => Number.isInteger(n) && n > 0)) throw new ValueError(`resampleToGrid: the output grid's dims must be positive integers, got ${grid.dims.join('x')}`);
  // Output voxel → input voxel.
  const M = multiply4(invertAffine(volume.affine), [...grid.affine]);
  const out = new Float32Array(ox * oy * oz);
  const d = volume.data;
  const sxy = nx * ny;
  // Voxel centres within half a voxel of the edge still count as inside (edge values repeat).
  const inside = (v: number, n: number) => v >= -0.5 && v <= n - 0.5;
  let o = 0;
  for (let k = 0; k < oz; k++) {
    for (let j = 0; j < oy; j++) {
      for (let i = 0; i < ox; i++, o++) {
        const x = M[0]! * i + M[1]! * j + M[2]! * k + M[3]!;
        const y = M[4]! * i + M[5]! * j + M[6]! * k + M[7]!;
        const z = M[8]! * i + M[9]! * j + M[10]! * k + M[11]!;
        if (!(inside(x, nx) && inside(y, ny) && inside(z, nz))) { out[o] = fill; continue; }
        if (mode === 'nearest') {
          const xi = Math.min(nx - 1, Math.max(0, Math.round(x))), yi = Math.min(ny - 1, Math.max(0, Math.round(y))), zi = Math.min(nz - 1, Math.max(0, Math.round(z)));
          out[o] = d[zi * sxy + yi * nx + xi]!;
          continue;
        }
        const cx = Math.min(nx - 1, Math.max(0, x)), cy = Math.min(ny - 1, Math.max(0, y)), cz = Math.min(nz - 1, Math.max(0, z));
        const x0 = Math.min(nx - 2, Math.floor(cx)), y0 = Math.min(ny - 2, Math.floor(cy)), z0 = Math.min(nz - 2, Math.floor(cz));
        // Axes of size 1 have no neighbour: their weight stays on index 0.
        const X0 = Math.max(0, x0), Y0 = Math.max(0, y0), Z0 = Math.max(0, z0);
        const fx = nx > 1 ? cx - X0 : 0, fy = ny > 1 ? cy - Y0 : 0, fz = nz > 1 ? cz - Z0 : 0;
        const X1 = nx > 1 ? X0 + 1 : 0, Y1 = ny > 1 ? Y0 + 1 : 0, Z1 = nz > 1 ? Z0 + 1 : 0;
        const at = (xx: number, yy: number, zz: number) => d[zz * sxy + yy * nx + xx]!;
        const c00 = at(X0, Y0, Z0) * (1 - fx) + at(X1, Y0, Z0) * fx;
        const c10 = at(X0, Y1, Z0) * (1 - fx) + at(X1, Y1, Z0) * fx;
        const c01 = at(X0, Y0, Z1) * (1 - fx) + at(X1, Y0, Z1) * fx;
        const c11 = at(X0, Y1, Z1) * (1 - fx) + at(X1, Y1, Z1) * fx;
        out[o] = (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz;
      }
    }
  }
  const spacing = [0, 1, 2].map((c) => Math.hypot(grid.affine[c]!, grid.affine[4 + c]!, grid.affine[8 + c]!)) as [number, number, number];
  return { data: out, dims: [ox, oy, oz], spacing, affine: [...grid.affine] };
}

/**
 * The grid of `volume` with voxels of `spacing` mm over the same field of view: voxel (0, 0, 0)
 * keeps its world position, the axes keep their directions, and each axis gets
 * floor((n − 1)·old / new) + 1 voxels.
 */
export function gridWithSpacing(volume: Pick<Volume, 'dims' | 'affine'>, spacing: readonly [number, number, number]): Grid {
  if (!spacing.every((s) => Number.isFinite(s) && s > 0)) throw new ValueError(`gridWithSpacing: spacing must be 3 positive numbers (mm), got ${spacing.join(', ')}`);
  const a = volume.affine;
  const affine = [...a];
  const dims = [0, 0, 0] as [number, number, number];
  for (let c = 0; c < 3; c++) {
    const old = Math.hypot(a[c]!, a[4 + c]!, a[8 + c]!);
    for (let r = 0; r < 3; r++) affine[r * 4 + c] = (a[r * 4 + c]! * spacing[c]!) / old;
    dims[c] = Math.floor(((volume.dims[c]! - 1) * old) / spacing[c]! + 1e-9) + 1;
  }
  return { dims, affine };
}

/** `volume` resampled to voxels of `spacing` mm (see gridWithSpacing). */
export function resampleToSpacing(volume: Volume, spacing: readonly [number, number, number], options: ResampleOptions = {}): Volume {
  return resampleToGrid(volume, gridWithSpacing(volume, spacing), options);
}
