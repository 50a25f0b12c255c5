/**
 * Batched weighted PnP: initialisation (EPnP on the most confident points, random-sample LM,
 * or both, optionally competing with a given pose), Levenberg-Marquardt refinement, the pose
 * covariance, and per-problem degeneracy flags. Plus `solvePnP`, one problem in OpenCV's
 * conventions (camera matrix, rvec/tvec).
 */
import { data, ValueError } from '@lacuna/core';
import { costAt } from '../cost/reprojection.js';
import type { Camera } from '../geometry/camera.js';
import { makeCamera } from '../geometry/camera.js';
import { poseLength } from '../geometry/pose_step.js';
import { poseToRvecTvec } from '../geometry/rodrigues.js';
import { matrixToQuaternion, quaternionToMatrix } from '../geometry/rotation.js';
import { assertSolvable, makePnPBatch, type PnPBatch, type ProblemStatus, type RobustKernel } from '../problem/pnp_batch.js';
import { epnpPose } from './epnp.js';
import { fitQuality } from './fit_quality.js';
import { levenbergMarquardt, type LMOptions } from './levenberg_marquardt.js';
import { randomSampleInit, type RandomSampleInitOptions } from './random_sample_init.js';

export type InitMethod = 'epnp' | 'random-sample' | 'both';

export interface SolveOptions extends LMOptions {
  /** How to find the starting pose. Default 'epnp' (falls back to random-sample LM when EPnP fails). */
  init?: InitMethod;
  /** Starting poses [B, 7 or 4]; used as they are unless `forceInitSolve`. */
  poseInit?: ArrayLike<number>;
  /** With `poseInit`: also run the initialiser and start from whichever has the lower cost. */
  forceInitSolve?: boolean;
  randomSample?: RandomSampleInitOptions;
  /** EPnP uses this many points of highest weight (default 128). */
  epnpPoints?: number;
  /** Seed of the random-sample initialiser (default 0), or a generator to draw from. */
  seed?: number;
  rng?: data.Random;
  /** Also return the covariance of the local step at each solution (see `covarianceScale`). */
  withCovariance?: boolean;
  /**
   * 'residuals' (default): (J^T J)^-1 scaled by the residual variance sigma^2 = 2 cost / (2n - dof),
   * so the covariance reflects how well the points are actually fitted. 'weights': (J^T J)^-1
   * alone, which trusts the weights as inverse noise scales (the Laplace approximation of
   * exp(-cost), as the Monte Carlo loss uses it).
   */
  covarianceScale?: 'residuals' | 'weights';
  /** 'throw' (default): a degenerate problem is an error naming it; 'flag': report it in `status`. */
  onDegenerate?: 'throw' | 'flag';
}

export interface PnPSolution {
  /** [B, 7] poses [x, y, z, w, i, j, k] (or [B, 4] [x, y, z, yaw]); NaN for flagged problems. */
  pose: Float64Array;
  /** [B] final costs. */
  cost: Float64Array;
  /** [B, dof, dof] covariances, when asked for. */
  covariance?: Float64Array;
  /**
   * [B] 'ok' or why the problem was not solved. 'poor-fit' keeps its pose, cost and covariance
   * (the best fit there is, but its residuals are far above the weights' noise level).
   */
  status: ProblemStatus[];
}

/** Solves every problem of the batch. */
export function solvePnPBatch(batch: PnPBatch, options: SolveOptions = {}): PnPSolution {
  if (options.onDegenerate !== 'flag') assertSolvable(batch);
  const { B, dof } = batch;
  const len = poseLength(dof);
  const dd = dof * dof;
  const pose = new Float64Array(B * len).fill(NaN);
  const cost = new Float64Array(B).fill(NaN);
  const covariance = options.withCovariance ? new Float64Array(B * dd).fill(NaN) : undefined;
  if (options.poseInit && options.poseInit.length !== B * len) {
    throw new ValueError(`PnP: poseInit must be [B=${B}, ${len}] (${B * len} numbers), got ${options.poseInit.length}`);
  }
  const rng = options.rng ?? new data.Random(options.seed ?? 0);
  const cov = new Float64Array(dd);
  const residuals = new Float64Array(batch.N);
  for (let b = 0; b < B; b++) {
    if (batch.status[b] !== 'ok') continue;
    initialPose(batch, b, pose, b * len, options, rng);
    cost[b] = levenbergMarquardt(batch, b, pose, b * len, options, covariance ? cov : undefined);
    let verdict = checkSolution(batch, b, pose, b * len, cost[b]!);
    if (verdict === 'ok') {
      const fit = fitQuality(batch, b, pose, b * len, residuals);
      if (fit.noise > SUSPICIOUS_NOISE && batch.dof === 6 && mirroredObjectCost(batch, b, options, rng) < MIRROR_COST_RATIO * cost[b]!) verdict = 'behind-camera';
      else if (fit.poor) verdict = 'poor-fit';
      if (covariance) {
        const scale = options.covarianceScale === 'weights' ? 1 : fit.residualVariance;
        for (let i = 0; i < dd; i++) covariance[b * dd + i] = cov[i]! * scale;
      }
    }
    if (verdict !== 'ok') batch.status[b] = verdict;
    if (verdict !== 'ok' && verdict !== 'poor-fit') {
      pose.fill(NaN, b * len, (b + 1) * len);
      cost[b] = NaN;
      if (covariance) covariance.fill(NaN, b * dd, (b + 1) * dd);
    }
  }
  if (options.onDegenerate !== 'flag') assertSolvable(batch, 'PnP solution');
  return { pose, cost, covariance, status: batch.status };
}

/** Writes the starting pose of problem b into pose[po..]. */
export function initialPose(batch: PnPBatch, b: number, pose: Float64Array, po: number, options: SolveOptions, rng: data.Random): void {
  const len = poseLength(batch.dof);
  const given = options.poseInit;
  if (given && !options.forceInitSolve) {
    for (let i = 0; i < len; i++) pose[po + i] = given[b * len + i]!;
    return;
  }
  const method = options.init ?? 'epnp';
  let bestCost = Infinity;
  const candidate = new Float64Array(len);
  const consider = () => {
    const c = costAt(batch, b, candidate, 0);
    if (c < bestCost) {
      bestCost = c;
      pose.set(candidate, po);
    }
  };
  let epnpOk = false;
  if (method === 'epnp' || method === 'both') {
    epnpOk = epnpInit(batch, b, candidate, options.epnpPoints ?? 128);
    if (epnpOk) consider();
  }
  if (method === 'random-sample' || method === 'both' || !epnpOk) {
    randomSampleInit(batch, b, candidate, 0, rng, options.randomSample, options);
    consider();
  }
  if (given) {
    for (let i = 0; i < len; i++) candidate[i] = given[b * len + i]!;
    consider();
  }
}

/** EPnP on the `count` points of highest weight, converted to the batch's DoF. */
function epnpInit(batch: PnPBatch, b: number, out: Float64Array, count: number): boolean {
  const { N, w2d } = batch;
  const order = new Int32Array(N);
  for (let i = 0; i < N; i++) order[i] = i;
  const k = Math.min(count, N);
  if (k < N) {
    const w = new Float64Array(N);
    for (let p = 0; p < N; p++) w[p] = w2d[(b * N + p) * 2]! + w2d[(b * N + p) * 2 + 1]!;
    order.sort((p, q) => w[q]! - w[p]!);
  }
  const pose7 = new Float64Array(7);
  if (!epnpPose(batch, b, order, k, pose7, 0)) return false;
  if (batch.dof === 6) {
    out.set(pose7);
  } else {
    // 4-DoF: keep the yaw of the rotation (rotation about the camera's Y axis).
    const R = quaternionToMatrix(pose7, new Float64Array(9), 3);
    out[0] = pose7[0]!; out[1] = pose7[1]!; out[2] = pose7[2]!;
    out[3] = Math.atan2(R[2]!, R[0]!);
  }
  return true;
}

/** Above this noise estimate a 6-DoF fit is checked against the mirrored object (below). */
const SUSPICIOUS_NOISE = 2;
/** The mirrored object must fit this much better to call the object behind the camera. */
const MIRROR_COST_RATIO = 0.5;

/**
 * Cost of the best pose in front of the camera for the point-mirrored object -x3d. An object
 * behind the camera projects exactly as its mirror image in front does (p and -p share a ray),
 * so when the mirror fits much better, the points came from an object behind the camera and
 * the solution in front is a poor compromise. (A planar object equals its own mirror up to a
 * rotation, so then both fit alike and nothing is flagged.)
 */
function mirroredObjectCost(batch: PnPBatch, b: number, options: SolveOptions, rng: data.Random): number {
  const { N } = batch;
  const one: PnPBatch = {
    ...batch,
    B: 1,
    x3d: batch.x3d.slice(b * N * 3, (b + 1) * N * 3).map((v) => -v),
    x2d: batch.x2d.subarray(b * N * 2, (b + 1) * N * 2),
    w2d: batch.w2d.subarray(b * N * 2, (b + 1) * N * 2),
    K: batch.K.subarray(b * 9, b * 9 + 9),
    lb: batch.lb?.subarray(b * 2, b * 2 + 2) ?? null,
    ub: batch.ub?.subarray(b * 2, b * 2 + 2) ?? null,
    minSpread: batch.minSpread.subarray(b, b + 1),
    delta: batch.delta.subarray(b, b + 1),
    status: ['ok'],
  };
  const pose = new Float64Array(7);
  initialPose(one, 0, pose, 0, { init: options.init ?? 'epnp', epnpPoints: options.epnpPoints, randomSample: options.randomSample }, rng);
  return levenbergMarquardt(one, 0, pose, 0, options);
}

/** Flags solutions with NaN or with the weighted points mostly behind the camera. */
function checkSolution(batch: PnPBatch, b: number, pose: Float64Array, po: number, cost: number): ProblemStatus {
  const len = poseLength(batch.dof);
  for (let i = 0; i < len; i++) if (!Number.isFinite(pose[po + i]!)) return 'non-finite';
  if (!Number.isFinite(cost)) return 'non-finite';
  const { N, x3d, w2d, dof, zMin } = batch;
  const R = dof === 6 ? quaternionToMatrix(pose, new Float64Array(9), po + 3) : null;
  const c = Math.cos(pose[po + 3]!), s = Math.sin(pose[po + 3]!);
  let behind = 0, total = 0;
  for (let p = 0; p < N; p++) {
    const i = b * N + p;
    const w = w2d[i * 2]! + w2d[i * 2 + 1]!;
    const X = x3d[i * 3]!, Y = x3d[i * 3 + 1]!, Z = x3d[i * 3 + 2]!;
    const z = (R ? R[6]! * X + R[7]! * Y + R[8]! * Z : -s * X + c * Z) + pose[po + 2]!;
    total += w;
    if (z <= zMin) behind += w;
  }
  return behind > 0.5 * total ? 'behind-camera' : 'ok';
}

export interface SolvePnPResult {
  /** Axis-angle rotation, as OpenCV's rvec. */
  rvec: Float64Array;
  /** Translation, as OpenCV's tvec. */
  tvec: Float64Array;
  /** Pose [x, y, z, w, i, j, k]. */
  pose: Float64Array;
  /** Row-major rotation matrix. */
  R: Float64Array;
  cost: number;
  /** 6x6 covariance of [dt, dtheta]. */
  covariance: Float64Array;
}

/**
 * One PnP problem in OpenCV's terms: objectPoints [N, 3], imagePoints [N, 2] (pixels),
 * cameraMatrix 3x3 row-major (9 numbers) or a Camera, optional per-point weights [N] or
 * [N, 2]; `kernel` 'cauchy' instead of EPro-PnP's Huber for data with gross outliers (or see
 * solvePnPRansac). Throws a ValueError when the problem is degenerate.
 */
export function solvePnP(
  objectPoints: ArrayLike<number>,
  imagePoints: ArrayLike<number>,
  cameraMatrix: ArrayLike<number> | Camera,
  options: SolveOptions & { weights?: ArrayLike<number>; kernel?: RobustKernel } = {},
): SolvePnPResult {
  const N = objectPoints.length / 3;
  if (!Number.isInteger(N) || imagePoints.length !== N * 2) {
    throw new ValueError(`solvePnP: objectPoints [N, 3] and imagePoints [N, 2] disagree: ${objectPoints.length} and ${imagePoints.length} numbers`);
  }
  const camera = 'K' in (cameraMatrix as Camera) ? (cameraMatrix as Camera) : makeCamera(cameraMatrix as ArrayLike<number>);
  let w2d: Float64Array | undefined;
  if (options.weights) {
    const w = options.weights;
    if (w.length === N) w2d = Float64Array.from({ length: N * 2 }, (_, i) => w[i >> 1]!);
    else if (w.length === N * 2) w2d = Float64Array.from(w);
    else throw new ValueError(`solvePnP: weights must have N=${N} or 2N=${2 * N} numbers, got ${w.length}`);
  }
  const batch = makePnPBatch({ x3d: objectPoints, x2d: imagePoints, w2d, camera, N, B: 1, dof: 6, ...(options.kernel ? { kernel: options.kernel } : {}) });
  const sol = solvePnPBatch(batch, { ...options, withCovariance: true, onDegenerate: 'throw' });
  const { rvec, tvec } = poseToRvecTvec(sol.pose);
  const R = quaternionToMatrix(sol.pose, new Float64Array(9), 3);
  return { rvec, tvec, pose: sol.pose, R, cost: sol.cost[0]!, covariance: sol.covariance! };
}

/** A pose [x, y, z, w, i, j, k] from a rotation matrix and translation. */
export function poseFromRt(R: ArrayLike<number>, t: ArrayLike<number>): Float64Array {
  const q = matrixToQuaternion(R);
  return Float64Array.of(t[0]!, t[1]!, t[2]!, q[0]!, q[1]!, q[2]!, q[3]!);
}
