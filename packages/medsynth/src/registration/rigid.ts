/**
 * Rigid transforms of 3-D points in a volume's world frame (mm), as 4x4 row-major matrices
 * that map a point p to R(p − c) + c + t. Rotations are Euler angles in radians composed as
 * ITK's Euler3DTransform does by default (R = Rz·Rx·Ry), so a matrix built here and one read
 * from elastix's EulerTransform parameters mean the same thing.
 */
import { transforms, ValueError, type data } from '@lacuna/core';

export interface RigidParameters {
  /** Rotation about x, y, z (radians). */
  readonly angles: readonly [number, number, number];
  /** Translation (mm). */
  readonly translation: readonly [number, number, number];
  /** Centre of rotation (mm). */
  readonly centre: readonly [number, number, number];
}

/** R = Rz·Rx·Ry (ITK Euler3DTransform, ComputeZYX false), row-major 3x3. */
export function eulerRotation([ax, ay, az]: readonly [number, number, number]): number[] {
  const [cx, sx, cy, sy, cz, sz] = [Math.cos(ax), Math.sin(ax), Math.cos(ay), Math.sin(ay), Math.cos(az), Math.sin(az)];
  const rx = [1, 0, 0, 0, cx, -sx, 0, sx, cx];
  const ry = [cy, 0, sy, 0, 1, 0, -sy, 0, cy];
  const rz = [cz, -sz, 0, sz, cz, 0, 0, 0, 1];
  const mul = (a: number[], b: number[]) => Array.from({ length: 9 }, (_, i) => a[3 * Math.floor(i / 3)]! * b[i % 3]! + a[3 * Math.floor(i / 3) + 1]! * b[3 + (i % 3)]! + a[3 * Math.floor(i / 3) + 2]! * b[6 + (i % 3)]!);
  return mul(mul(rz, rx), ry);
}

/** The 4x4 matrix of p ↦ R(p − c) + c + t. */
export function rigidMatrix(p: RigidParameters): number[] {
  const r = eulerRotation(p.angles);
  const out = new Array<number>(16).fill(0);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) out[4 * i + j] = r[3 * i + j]!;
    out[4 * i + 3] = p.centre[i]! + p.translation[i]! - (r[3 * i]! * p.centre[0] + r[3 * i + 1]! * p.centre[1] + r[3 * i + 2]! * p.centre[2]);
  }
  out[15] = 1;
  return out;
}

/** M·p for a point p (mm). */
export function transformPoint(m: readonly number[], p: readonly number[]): [number, number, number] {
  return [0, 1, 2].map((i) => m[4 * i]! * p[0]! + m[4 * i + 1]! * p[1]! + m[4 * i + 2]! * p[2]! + m[4 * i + 3]!) as [number, number, number];
}

/**
 * The volume seen through a rigid transform, on its own grid: out(p) = volume(T(p)) for every
 * voxel centre p (trilinear; `fill` outside). A misaligned copy for registration experiments.
 */
export function transformVolume(volume: data.Volume, t: readonly number[], fill = 0): data.Volume {
  // A voxel of the input sits at T⁻¹(A·v) in the output's world: resample that onto the grid.
  const moved = { ...volume, affine: transforms.multiply4(transforms.invertAffine(t), [...volume.affine]) };
  const out = transforms.resampleToGrid(moved, { dims: volume.dims, affine: volume.affine }, { fill });
  return { ...volume, data: out.data };
}

/** Mean distance (mm) between where two transforms send the same points. */
export function meanPointDistance(a: readonly number[], b: readonly number[], points: readonly (readonly number[])[]): number {
  if (points.length === 0) throw new ValueError('meanPointDistance: no points');
  let s = 0;
  for (const p of points) {
    const [x, y, z] = transformPoint(a, p), [u, v, w] = transformPoint(b, p);
    s += Math.hypot(x - u, y - v, z - w);
  }
  return s / points.length;
}

/** World positions (mm) of `count` voxels drawn (seeded) from where `mask` is non-zero. */
export function maskLandmarks(volume: Pick<data.Volume, 'dims' | 'affine'>, mask: ArrayLike<number>, count: number, rng: data.Random): [number, number, number][] {
  const inside: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]! > 0) inside.push(i);
  if (inside.length === 0) throw new ValueError('maskLandmarks: the mask is empty');
  const [nx, ny] = volume.dims;
  return Array.from({ length: count }, () => {
    const v = inside[rng.int(0, inside.length)]!;
    return transformPoint(volume.affine, [v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))]);
  });
}
