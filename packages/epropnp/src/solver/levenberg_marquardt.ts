/**
 * Levenberg-Marquardt for one weighted PnP problem, with Ceres' trust-region schedule as
 * EPro-PnP's `LMSolver` runs it: a fixed number of iterations; the damping is the diagonal of
 * J^T J (clamped to [minLmDiagonal, maxLmDiagonal]) divided by the trust-region radius; a step
 * is accepted when the actual cost decrease is at least `minRelativeDecrease` of the decrease
 * the quadratic model predicts; the radius then grows by 1 / max(1/3, 1 - (2 rho - 1)^3), and
 * shrinks by a doubling factor after each rejection. `fastMode` is plain Gauss-Newton.
 */
import { solveLinear, invert } from '../linalg/dense.js';
import { normalEquationsAt } from '../cost/reprojection.js';
import { addPoseStep, poseLength } from '../geometry/pose_step.js';
import type { PnPBatch } from '../problem/pnp_batch.js';

export interface LMOptions {
  /** Iterations (EPro-PnP default 10). */
  numIter?: number;
  minLmDiagonal?: number;
  maxLmDiagonal?: number;
  /** Minimum ratio of actual to predicted cost decrease to accept a step (1e-3). */
  minRelativeDecrease?: number;
  /** Initial trust-region radius (30). */
  initialTrustRegionRadius?: number;
  maxTrustRegionRadius?: number;
  /** Added to the diagonal of J^T J everywhere it is inverted (1e-5). */
  eps?: number;
  /** Gauss-Newton without a trust region and without zeroing clipped Jacobian rows. */
  fastMode?: boolean;
  /**
   * Stop early once an accepted step is smaller than this (translation relative to ||t||,
   * rotation in radians) or the predicted decrease is below tolerance^2 * cost: the answer
   * would not change. 0 runs exactly numIter iterations, as the reference does. Default 1e-10.
   */
  tolerance?: number;
}

export const LM_DEFAULTS: Required<LMOptions> = {
  numIter: 10,
  minLmDiagonal: 1e-6,
  maxLmDiagonal: 1e32,
  minRelativeDecrease: 1e-3,
  initialTrustRegionRadius: 30,
  maxTrustRegionRadius: 1e16,
  eps: 1e-5,
  fastMode: false,
  tolerance: 1e-10,
};

/** Scratch buffers for one solve (reused across problems). */
export class LMWorkspace {
  readonly JtJ = new Float64Array(36);
  readonly g = new Float64Array(6);
  readonly JtJNew = new Float64Array(36);
  readonly gNew = new Float64Array(6);
  readonly A = new Float64Array(36);
  readonly step = new Float64Array(6);
  readonly poseNew = new Float64Array(7);
}

const defaultWorkspace = new LMWorkspace();

/**
 * Refines the pose of problem `b` stored at pose[po..] in place. Returns the final cost; when
 * `covOut` is given, writes the pose covariance (J^T J + eps I)^-1 [dof, dof] at the solution
 * (rows/cols: dt then dtheta). `points`/`count` restrict the problem to a subset of points.
 */
export function levenbergMarquardt(
  batch: PnPBatch, b: number, pose: Float64Array, po: number, options: LMOptions = {},
  covOut?: Float64Array, points?: Int32Array, count?: number, ws: LMWorkspace = defaultWorkspace,
): number {
  const o = { ...LM_DEFAULTS, ...options };
  const dof = batch.dof;
  const { JtJ, g, A, step, poseNew } = ws;
  const len = poseLength(dof);
  let cost: number;
  if (o.fastMode) {
    cost = 0;
    for (let it = 0; it < o.numIter; it++) {
      cost = normalEquationsAt(batch, b, pose, po, JtJ, g, false, points, count);
      A.set(JtJ.subarray(0, dof * dof));
      for (let i = 0; i < dof; i++) A[i * dof + i] = A[i * dof + i]! + o.eps;
      if (!solveLinear(A, g, dof, step)) break;
      for (let i = 0; i < dof; i++) step[i] = -step[i]!;
      addPoseStep(pose, po, step, 0, dof, pose, po);
    }
    if (covOut) {
      cost = normalEquationsAt(batch, b, pose, po, JtJ, g, true, points, count);
      covariance(JtJ, dof, o.eps, covOut);
    }
    return cost;
  }
  const { JtJNew, gNew } = ws;
  cost = normalEquationsAt(batch, b, pose, po, JtJ, g, true, points, count);
  let radius = o.initialTrustRegionRadius;
  let decreaseFactor = 2;
  for (let it = 0; it < o.numIter; it++) {
    A.set(JtJ.subarray(0, dof * dof));
    for (let i = 0; i < dof; i++) {
      const d = Math.min(o.maxLmDiagonal, Math.max(o.minLmDiagonal, JtJ[i * dof + i]!));
      A[i * dof + i] = A[i * dof + i]! + d / radius + o.eps;
    }
    let ok = solveLinear(A, g, dof, step);
    let costNew = Infinity;
    let modelChange = 0;
    if (ok) {
      for (let i = 0; i < dof; i++) step[i] = -step[i]!;
      // Predicted decrease -(s^T (J^T J s / 2 + g)).
      for (let i = 0; i < dof; i++) {
        let js = 0;
        for (let j = 0; j < dof; j++) js += JtJ[i * dof + j]! * step[j]!;
        modelChange -= step[i]! * (js / 2 + g[i]!);
      }
      // Converged: the quadratic model promises nothing measurable.
      if (o.tolerance > 0 && modelChange <= o.tolerance * o.tolerance * cost) break;
      addPoseStep(pose, po, step, 0, dof, poseNew, 0);
      costNew = normalEquationsAt(batch, b, poseNew, 0, JtJNew, gNew, true, points, count);
      ok = Number.isFinite(costNew);
    }
    const relativeDecrease = (cost - costNew) / modelChange;
    if (ok && modelChange > 0 && relativeDecrease >= o.minRelativeDecrease) {
      for (let i = 0; i < len; i++) pose[po + i] = poseNew[i]!;
      JtJ.set(JtJNew.subarray(0, dof * dof));
      g.set(gNew.subarray(0, dof));
      cost = costNew;
      radius /= Math.max(1 / 3, 1 - Math.pow(2 * relativeDecrease - 1, 3));
      radius = Math.min(o.maxTrustRegionRadius, Math.max(o.eps, radius));
      decreaseFactor = 2;
      if (o.tolerance > 0 && isTinyStep(step, pose, po, dof, o.tolerance)) break;
    } else {
      radius /= decreaseFactor;
      decreaseFactor *= 2;
    }
  }
  if (covOut) covariance(JtJ, dof, o.eps, covOut);
  return cost;
}

/** Whether a step changes the pose by less than `tol` (translation relative to ||t||). */
function isTinyStep(step: Float64Array, pose: Float64Array, po: number, dof: number, tol: number): boolean {
  const t = Math.hypot(pose[po]!, pose[po + 1]!, pose[po + 2]!);
  const dt = Math.hypot(step[0]!, step[1]!, step[2]!);
  let dr = 0;
  for (let i = 3; i < dof; i++) dr += step[i]! * step[i]!;
  return dt <= tol * Math.max(t, 1e-12) && Math.sqrt(dr) <= tol;
}

/** (J^T J + eps I)^-1; a singular system gives a large isotropic covariance. */
function covariance(JtJ: Float64Array, dof: number, eps: number, out: Float64Array): void {
  const A = new Float64Array(dof * dof);
  A.set(JtJ.subarray(0, dof * dof));
  for (let i = 0; i < dof; i++) A[i * dof + i] = A[i * dof + i]! + eps;
  if (!invert(A, dof, out)) {
    out.fill(0, 0, dof * dof);
    for (let i = 0; i < dof; i++) out[i * dof + i] = 1 / eps;
  }
}

/**
 * One Gauss-Newton step at the pose: -(J^T J + eps I)^-1 J^T r, into `out` [dof]. Returns
 * false when the system is singular.
 */
export function gaussNewtonStep(batch: PnPBatch, b: number, pose: ArrayLike<number>, po: number, out: Float64Array, eps = LM_DEFAULTS.eps): boolean {
  const dof = batch.dof;
  const { JtJ, g } = defaultWorkspace;
  normalEquationsAt(batch, b, pose, po, JtJ, g, true);
  for (let i = 0; i < dof; i++) JtJ[i * dof + i] = JtJ[i * dof + i]! + eps;
  if (!solveLinear(JtJ, g, dof, out)) return false;
  for (let i = 0; i < dof; i++) out[i] = -out[i]!;
  return true;
}
