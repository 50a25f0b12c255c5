/**
 * `solvePnPRansac`, as OpenCV users know it: EPnP on random minimal sets of points, the pose
 * with the most inliers (reprojection error within `reprojectionError` pixels), then the
 * weighted LM solver on its inliers, and the inliers of that refined pose. The number of
 * iterations adapts to the inlier ratio found so far (stop once `confidence` that an
 * all-inlier set was drawn), capped at `iterations`.
 */
import { data, ValueError } from '@lacuna/core';
import type { Camera } from '../geometry/camera.js';
import { makeCamera } from '../geometry/camera.js';
import { quaternionToMatrix } from '../geometry/rotation.js';
import { makePnPBatch } from '../problem/pnp_batch.js';
import { epnpPose } from './epnp.js';
import { solvePnP, type SolvePnPResult, type SolveOptions } from './solve_pnp.js';

export interface RansacOptions {
  /** Most hypotheses drawn. Default 100 (OpenCV's default). */
  readonly iterations?: number;
  /** Inlier threshold on the reprojection error, pixels. Default 8 (OpenCV's default). */
  readonly reprojectionError?: number;
  /** Stop when an all-inlier minimal set was drawn with this probability. Default 0.99. */
  readonly confidence?: number;
  /** Points per hypothesis (EPnP needs at least 4). Default 6. */
  readonly minimalSet?: number;
  /** Seed of the draws. Default 0. */
  readonly seed?: number;
  /** Options of the final weighted solve on the inliers (kernel, weights, LM settings). */
  readonly refine?: SolveOptions & { weights?: ArrayLike<number>; kernel?: 'huber' | 'cauchy' };
}

export interface RansacResult extends SolvePnPResult {
  /** Indices of the inlier points of the refined pose, ascending. */
  readonly inliers: Int32Array;
  /** Hypotheses drawn. */
  readonly iterations: number;
}

/** Reprojection errors (pixels) of all points under a pose [x y z w i j k]. */
export function reprojectionErrors(objectPoints: ArrayLike<number>, imagePoints: ArrayLike<number>, K: ArrayLike<number>, pose: ArrayLike<number>): Float64Array {
  const N = objectPoints.length / 3;
  const R = quaternionToMatrix(pose, new Float64Array(9), 3);
  const out = new Float64Array(N);
  for (let p = 0; p < N; p++) {
    const X = objectPoints[p * 3]!, Y = objectPoints[p * 3 + 1]!, Z = objectPoints[p * 3 + 2]!;
    const xc = R[0]! * X + R[1]! * Y + R[2]! * Z + pose[0]!;
    const yc = R[3]! * X + R[4]! * Y + R[5]! * Z + pose[1]!;
    const zc = R[6]! * X + R[7]! * Y + R[8]! * Z + pose[2]!;
    if (!(zc > 0)) {
      out[p] = Infinity;
      continue;
    }
    const u = (K[0]! * xc + K[1]! * yc) / zc + K[2]!;
    const v = (K[4]! * yc) / zc + K[5]!;
    out[p] = Math.hypot(u - imagePoints[p * 2]!, v - imagePoints[p * 2 + 1]!);
  }
  return out;
}

function inliersOf(errors: Float64Array, threshold: number): Int32Array {
  const idx: number[] = [];
  for (let p = 0; p < errors.length; p++) if (errors[p]! <= threshold) idx.push(p);
  return Int32Array.from(idx);
}

function pick<T extends ArrayLike<number>>(values: T, idx: Int32Array, per: number): Float64Array {
  const out = new Float64Array(idx.length * per);
  idx.forEach((p, q) => {
    for (let k = 0; k < per; k++) out[q * per + k] = values[p * per + k]!;
  });
  return out;
}

/**
 * Robust PnP with outliers: objectPoints [N, 3], imagePoints [N, 2], cameraMatrix 3x3 (9
 * numbers) or a Camera. Throws a ValueError when fewer than `minimalSet` inliers support
 * any hypothesis.
 */
export function solvePnPRansac(
  objectPoints: ArrayLike<number>,
  imagePoints: ArrayLike<number>,
  cameraMatrix: ArrayLike<number> | Camera,
  options: RansacOptions = {},
): RansacResult {
  const N = objectPoints.length / 3;
  if (!Number.isInteger(N) || imagePoints.length !== N * 2) {
    throw new ValueError(`solvePnPRansac: objectPoints [N, 3] and imagePoints [N, 2] disagree: ${objectPoints.length} and ${imagePoints.length} numbers`);
  }
  const m = options.minimalSet ?? 6;
  const maxIterations = options.iterations ?? 100;
  const threshold = options.reprojectionError ?? 8;
  const confidence = options.confidence ?? 0.99;
  if (!(Number.isInteger(m) && m >= 4)) throw new ValueError(`solvePnPRansac: minimalSet must be an integer >= 4, got ${m}`);
  if (N < m) throw new ValueError(`solvePnPRansac: ${N} points, the minimal set needs ${m}`);
  if (!(threshold > 0)) throw new ValueError(`solvePnPRansac: reprojectionError must be positive, got ${threshold}`);
  if (!(confidence > 0 && confidence < 1)) throw new ValueError(`solvePnPRansac: confidence must be in (0, 1), got ${confidence}`);
  const camera = 'K' in (cameraMatrix as Camera) ? (cameraMatrix as Camera) : makeCamera(cameraMatrix as ArrayLike<number>);
  const batch = makePnPBatch({ x3d: objectPoints, x2d: imagePoints, camera, N, B: 1, dof: 6 });
  const rng = new data.Random(options.seed ?? 0);
  const order = new Int32Array(N);
  const pose = new Float64Array(7);
  let best: Int32Array = new Int32Array(0);
  let needed = maxIterations;
  let drawn = 0;
  while (drawn < Math.min(needed, maxIterations)) {
    drawn += 1;
    // A random minimal set: the first m entries of a partial Fisher-Yates shuffle.
    for (let p = 0; p < N; p++) order[p] = p;
    for (let q = 0; q < m; q++) {
      const r = rng.int(q, N);
      const t = order[q]!;
      order[q] = order[r]!;
      order[r] = t;
    }
    if (!epnpPose(batch, 0, order, m, pose, 0)) continue;
    const inliers = inliersOf(reprojectionErrors(objectPoints, imagePoints, camera.K, pose), threshold);
    if (inliers.length > best.length) {
      best = inliers;
      const ratio = inliers.length / N;
      needed = ratio >= 1 ? 0 : Math.ceil(Math.log(1 - confidence) / Math.log(1 - ratio ** m));
    }
  }
  if (best.length < m) throw new ValueError(`solvePnPRansac: no hypothesis has ${m} inliers within ${threshold} px (best ${best.length} of ${N}) after ${drawn} draws`);
  // Refine on the inliers with the weighted solver, then take the refined pose's inliers.
  const refine = options.refine ?? {};
  const solveOn = (idx: Int32Array) =>
    solvePnP(pick(objectPoints, idx, 3), pick(imagePoints, idx, 2), camera, {
      ...refine,
      ...(refine.weights ? { weights: refine.weights.length === N ? pick(refine.weights, idx, 1) : pick(refine.weights, idx, 2) } : {}),
    });
  let result = solveOn(best);
  let inliers = inliersOf(reprojectionErrors(objectPoints, imagePoints, camera.K, result.pose), threshold);
  if (inliers.length > best.length) {
    result = solveOn(inliers);
    inliers = inliersOf(reprojectionErrors(objectPoints, imagePoints, camera.K, result.pose), threshold);
  }
  return { ...result, inliers, iterations: drawn };
}
