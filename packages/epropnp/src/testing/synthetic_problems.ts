/**
 * Synthetic PnP problems with known poses, for tests and benchmarks: object points in a box
 * around the origin, a random pose in front of a LineMOD-like camera, exact projections plus
 * optional Gaussian pixel noise and outliers.
 */
import { data } from '@lacuna/core';
import { LINEMOD_INTRINSICS, makeCamera, projectPoints, type Camera } from '../geometry/camera.js';

export interface SyntheticOptions {
  B: number;
  N: number;
  seed?: number;
  /** Pixel noise standard deviation (default 0). */
  noise?: number;
  /** Fraction of points replaced by uniform outliers in a 200 px box (default 0). */
  outliers?: number;
  /** Half-extent of the object box in metres (default 0.1). */
  extent?: number;
  /** Depth range of the object centre in metres (default [0.6, 1.2]). */
  depth?: readonly [number, number];
  camera?: Camera;
}

export interface SyntheticProblems {
  x3d: Float64Array; // [B, N, 3]
  x2d: Float64Array; // [B, N, 2]
  poseGt: Float64Array; // [B, 7]
  camera: Camera;
}

/** A uniformly random unit quaternion [w, i, j, k] with w >= 0. */
export function randomQuaternion(rng: data.Random): Float64Array {
  const q = Float64Array.from({ length: 4 }, () => rng.normal());
  const n = Math.hypot(...q) * (q[0]! < 0 ? -1 : 1);
  return q.map((x) => x / n);
}

export function syntheticProblems(options: SyntheticOptions): SyntheticProblems {
  const { B, N } = options;
  const rng = new data.Random(options.seed ?? 0);
  const camera = options.camera ?? makeCamera(LINEMOD_INTRINSICS);
  const extent = options.extent ?? 0.1;
  const [z0, z1] = options.depth ?? [0.6, 1.2];
  const x3d = new Float64Array(B * N * 3);
  const x2d = new Float64Array(B * N * 2);
  const poseGt = new Float64Array(B * 7);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < N * 3; i++) x3d[b * N * 3 + i] = rng.uniform(-extent, extent);
    const z = rng.uniform(z0, z1);
    const pose = Float64Array.of(rng.uniform(-0.15, 0.15) * z, rng.uniform(-0.1, 0.1) * z, z, ...randomQuaternion(rng));
    poseGt.set(pose, b * 7);
    const uv = projectPoints(x3d.subarray(b * N * 3, (b + 1) * N * 3), pose, camera);
    for (let p = 0; p < N; p++) {
      let u = uv[p * 2]!, v = uv[p * 2 + 1]!;
      if (options.outliers && rng.uniform() < options.outliers) {
        u += rng.uniform(-100, 100);
        v += rng.uniform(-100, 100);
      } else if (options.noise) {
        u += rng.normal(0, options.noise);
        v += rng.normal(0, options.noise);
      }
      x2d[(b * N + p) * 2] = u;
      x2d[(b * N + p) * 2 + 1] = v;
    }
  }
  return { x3d, x2d, poseGt, camera };
}

/** Rotation error (degrees) and translation error (same units as t) of pose a against b. */
export function poseErrors(a: ArrayLike<number>, b: ArrayLike<number>, ao = 0, bo = 0): { rotDeg: number; trans: number } {
  const d = Math.abs(a[ao + 3]! * b[bo + 3]! + a[ao + 4]! * b[bo + 4]! + a[ao + 5]! * b[bo + 5]! + a[ao + 6]! * b[bo + 6]!);
  const rotDeg = (2 * Math.acos(Math.min(1, d)) * 180) / Math.PI;
  const trans = Math.hypot(a[ao]! - b[bo]!, a[ao + 1]! - b[bo + 1]!, a[ao + 2]! - b[bo + 2]!);
  return { rotDeg, trans };
}
