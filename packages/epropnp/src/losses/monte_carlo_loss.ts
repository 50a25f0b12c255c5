/**
 * EPro-PnP's Monte Carlo pose loss for a batch of problems, in float64, with its exact
 * gradient. For each problem, with p(y) = exp(-cost(y)) / Z:
 *   L = KL(target delta at y_gt || p) up to a constant = cost(y_gt) + log Z,
 *   log Z ~ log mean_j exp(log w_j),  log w_j = -cost(y_j) - log q(y_j)   (AMIS samples),
 *   dL/dX = dcost(y_gt)/dX - sum_j softmax(log w)_j dcost(y_j)/dX,  X in {x3d, x2d, w2d}.
 * The samples and proposal densities are held fixed in the gradient (they come from the
 * detached solver), as in the reference. The Huber delta depends on x2d and w2d and its
 * gradient is included.
 */
import { data } from '@lacuna/core';
import { accumulateCostGradient, costAt } from '../cost/reprojection.js';
import { accumulateDeltaGradient, adaptiveDelta } from '../cost/huber.js';
import { poseLength } from '../geometry/pose_step.js';
import { assertSolvable, type PnPBatch, type ProblemStatus } from '../problem/pnp_batch.js';
import { initialPose, type SolveOptions } from '../solver/solve_pnp.js';
import { levenbergMarquardt } from '../solver/levenberg_marquardt.js';
import { amis, type AmisOptions } from '../monte_carlo/amis.js';

export interface MonteCarloOptions {
  amis?: AmisOptions;
  /**
   * Solver settings for the pose the proposals are fitted at. Defaults follow EPro-PnP's
   * 6-DoF training: 5 LM iterations from the better of y_gt and a 4-proposal random-sample
   * initialisation (16 points, 3 iterations each).
   */
  solve?: SolveOptions;
  /** Seed of the sampler (default 0), or a generator to draw from. */
  seed?: number;
  rng?: data.Random;
  /** 'flag' (default here): degenerate problems get zero loss and gradient; 'throw': an error. */
  onDegenerate?: 'throw' | 'flag';
}

export const MONTE_CARLO_SOLVE_DEFAULTS: SolveOptions = {
  numIter: 5,
  init: 'random-sample',
  randomSample: { numPoints: 16, numProposals: 4, numIter: 3 },
  forceInitSolve: true,
};

export interface MonteCarloForward {
  /** [B] loss per problem (0 for flagged problems). */
  loss: Float64Array;
  /** [B] cost(y_gt). */
  costGt: Float64Array;
  /** [B, 7] the solver's poses y* (NaN for flagged problems). */
  poseOpt: Float64Array;
  /** [B, dof, dof] their covariances. */
  covariance: Float64Array;
  /** Per problem [S, 7] samples and [S] log weights. */
  samples: Float64Array[];
  logWeights: Float64Array[];
  status: ProblemStatus[];
}

export interface MonteCarloGradient {
  x3d: Float64Array; // [B, N, 3]
  x2d: Float64Array; // [B, N, 2]
  w2d: Float64Array; // [B, N, 2]
}

/** Solves, samples and evaluates the loss; `poseGt` is [B, 7] (or [B, 4]). */
export function monteCarloPoseLoss(batch: PnPBatch, poseGt: ArrayLike<number>, options: MonteCarloOptions = {}): MonteCarloForward {
  const { B, dof } = batch;
  const len = poseLength(dof);
  const dd = dof * dof;
  if (poseGt.length !== B * len) throw new Error(`monteCarloPoseLoss: poseGt must be [B=${B}, ${len}], got ${poseGt.length} numbers`);
  if (options.onDegenerate === 'throw') assertSolvable(batch, 'monteCarloPoseLoss');
  const rng = options.rng ?? new data.Random(options.seed ?? 0);
  const solve: SolveOptions = { ...MONTE_CARLO_SOLVE_DEFAULTS, ...options.solve, poseInit: poseGt };
  const loss = new Float64Array(B);
  const costGt = new Float64Array(B);
  const poseOpt = new Float64Array(B * len).fill(NaN);
  const covariance = new Float64Array(B * dd).fill(NaN);
  const samples: Float64Array[] = [];
  const logWeights: Float64Array[] = [];
  const cov = new Float64Array(dd);
  for (let b = 0; b < B; b++) {
    if (batch.status[b] !== 'ok') {
      samples.push(new Float64Array(0));
      logWeights.push(new Float64Array(0));
      continue;
    }
    initialPose(batch, b, poseOpt, b * len, solve, rng);
    levenbergMarquardt(batch, b, poseOpt, b * len, solve, cov);
    covariance.set(cov, b * dd);
    const result = amis(dof, poseOpt.subarray(b * len, (b + 1) * len), cov, (poses, start, count, out) => {
      for (let j = start; j < start + count; j++) out[j] = -costAt(batch, b, poses, j * len);
    }, rng, options.amis);
    samples.push(result.samples);
    logWeights.push(result.logWeights);
    costGt[b] = costAt(batch, b, poseGt, b * len);
    loss[b] = costGt[b]! + logMeanExp(result.logWeights);
    if (!Number.isFinite(loss[b]!)) {
      batch.status[b] = 'non-finite';
      loss[b] = 0;
    }
  }
  return { loss, costGt, poseOpt, covariance, samples, logWeights, status: batch.status };
}

/** Gradient of sum_b dLoss[b] * loss[b] with respect to x3d, x2d and w2d. */
export function monteCarloPoseLossGradient(batch: PnPBatch, poseGt: ArrayLike<number>, forward: MonteCarloForward, dLoss: ArrayLike<number>): MonteCarloGradient {
  const { B, N, dof } = batch;
  const len = poseLength(dof);
  const gx3d = new Float64Array(B * N * 3);
  const gx2d = new Float64Array(B * N * 2);
  const gw2d = new Float64Array(B * N * 2);
  for (let b = 0; b < B; b++) {
    const d = dLoss[b]!;
    if (batch.status[b] !== 'ok' || d === 0) continue;
    // y_gt with weight +d, then every sample of non-zero weight with -d softmax(log w)_j
    // (samples of exactly zero weight contribute exactly nothing).
    const weights = softmax(forward.logWeights[b]!);
    const samples = forward.samples[b]!;
    let count = 1;
    for (let j = 0; j < weights.length; j++) if (weights[j] !== 0) count++;
    const poses = new Float64Array(count * len);
    const scale = new Float64Array(count);
    for (let i = 0; i < len; i++) poses[i] = poseGt[b * len + i]!;
    scale[0] = d;
    let c = 1;
    for (let j = 0; j < weights.length; j++) {
      if (weights[j] === 0) continue;
      poses.set(samples.subarray(j * len, (j + 1) * len), c * len);
      scale[c++] = -d * weights[j]!;
    }
    const gDelta = accumulateCostGradient(batch, b, poses, scale, count, gx3d, gx2d, gw2d);
    if (batch.adaptiveDelta && gDelta !== 0) {
      const stats = adaptiveDelta(batch.x2d, batch.w2d, b * N * 2, N, batch.relativeDelta, batch.minSpread[b]);
      accumulateDeltaGradient(gDelta, batch.x2d, b * N * 2, N, batch.relativeDelta, stats, gx2d, gw2d);
    }
  }
  return { x3d: gx3d, x2d: gx2d, w2d: gw2d };
}

/** log(mean(exp(x))) without overflow. */
export function logMeanExp(x: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++) m = Math.max(m, x[i]!);
  if (!Number.isFinite(m)) return m;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.exp(x[i]! - m);
  return m + Math.log(s / x.length);
}

export function softmax(x: ArrayLike<number>): Float64Array {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++) m = Math.max(m, x[i]!);
  const out = new Float64Array(x.length);
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    out[i] = Math.exp(x[i]! - m);
    s += out[i]!;
  }
  for (let i = 0; i < x.length; i++) out[i] = out[i]! / s;
  return out;
}
