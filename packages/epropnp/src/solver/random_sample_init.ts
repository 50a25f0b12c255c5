/**
 * Random-sample Levenberg-Marquardt initialisation (EPro-PnP's `RSLMSolver`, a generalisation
 * of RANSAC): many proposals, each a few LM iterations on a small subset of points drawn in
 * proportion to their weights from a translation guess and a random orientation; the proposal
 * with the lowest cost on the full point set wins. It copes with ambiguous (e.g. symmetric)
 * problems where a single start would land in the wrong basin.
 */
import type { data } from '@lacuna/core';
import { costAt } from '../cost/reprojection.js';
import { poseLength } from '../geometry/pose_step.js';
import type { PnPBatch } from '../problem/pnp_batch.js';
import { levenbergMarquardt, type LMOptions } from './levenberg_marquardt.js';

export interface RandomSampleInitOptions {
  /** Points per proposal (EPro-PnP default 16). */
  numPoints?: number;
  /** Proposals per problem (64). */
  numProposals?: number;
  /** LM iterations per proposal (3). */
  numIter?: number;
}

export const RANDOM_SAMPLE_INIT_DEFAULTS: Required<RandomSampleInitOptions> = { numPoints: 16, numProposals: 64, numIter: 3 };

/**
 * Writes the best proposal's pose for problem b into pose[po..] and returns its full-set cost.
 * `lm` passes the LM settings (fast mode, eps) through to the proposals.
 */
export function randomSampleInit(
  batch: PnPBatch, b: number, pose: Float64Array, po: number, rng: data.Random,
  options: RandomSampleInitOptions = {}, lm: LMOptions = {},
): number {
  const o = { ...RANDOM_SAMPLE_INIT_DEFAULTS, ...options };
  const { N, w2d, dof } = batch;
  const len = poseLength(dof);
  // Sampling weights: the mean of the two axis weights, as a cumulative sum for binary search.
  const cum = new Float64Array(N);
  let usable = 0;
  let total = 0;
  for (let p = 0; p < N; p++) {
    const w = (w2d[(b * N + p) * 2]! + w2d[(b * N + p) * 2 + 1]!) / 2;
    if (w > 0) usable++;
    total += w;
    cum[p] = total;
  }
  const k = Math.min(o.numPoints, usable);
  const t0 = centreBasedTranslation(batch, b);
  const subset = new Int32Array(k);
  const taken = new Uint8Array(N);
  const candidate = new Float64Array(len);
  let bestCost = Infinity;
  for (let prop = 0; prop < o.numProposals; prop++) {
    drawWithoutReplacement(cum, total, k, subset, taken, rng);
    candidate[0] = t0[0]!; candidate[1] = t0[1]!; candidate[2] = t0[2]!;
    if (dof === 6) {
      let n = 0;
      for (let i = 3; i < 7; i++) {
        candidate[i] = rng.normal();
        n += candidate[i]! * candidate[i]!;
      }
      n = Math.sqrt(n);
      if (n < 1e-5) candidate.set([1, 0, 0, 0], 3);
      else for (let i = 3; i < 7; i++) candidate[i] = candidate[i]! / n;
    } else {
      candidate[3] = rng.uniform(0, 2 * Math.PI);
    }
    levenbergMarquardt(batch, b, candidate, 0, { ...lm, numIter: o.numIter }, undefined, subset, k);
    const cost = costAt(batch, b, candidate, 0);
    if (cost < bestCost || !Number.isFinite(bestCost)) {
      bestCost = cost;
      pose.set(candidate, po);
    }
  }
  return bestCost;
}

/**
 * Translation guess from the spread of the normalised image points against the spread of the
 * object points: t = [mean_x, mean_y, 1] * depth, depth = sqrt(2/3) |std(x3d)| / |std(x2d_n)|
 * (4-DoF: the ratio of the vertical spreads).
 */
export function centreBasedTranslation(batch: PnPBatch, b: number): Float64Array {
  const { N, x2d, x3d, K, dof } = batch;
  const k = b * 9;
  const fx = K[k]!, sk = K[k + 1]!, cx = K[k + 2]!, fy = K[k + 4]!, cy = K[k + 5]!;
  let mx = 0, my = 0;
  const xs = new Float64Array(N), ys = new Float64Array(N);
  for (let p = 0; p < N; p++) {
    const yv = (x2d[(b * N + p) * 2 + 1]! - cy) / fy;
    xs[p] = (x2d[(b * N + p) * 2]! - cx - sk * yv) / fx;
    ys[p] = yv;
    mx += xs[p]!;
    my += ys[p]!;
  }
  mx /= N;
  my /= N;
  let vx = 0, vy = 0;
  for (let p = 0; p < N; p++) {
    vx += (xs[p]! - mx) ** 2;
    vy += (ys[p]! - my) ** 2;
  }
  const mean3 = [0, 0, 0];
  for (let p = 0; p < N; p++) for (let d = 0; d < 3; d++) mean3[d] += x3d[(b * N + p) * 3 + d]! / N;
  const var3 = [0, 0, 0];
  for (let p = 0; p < N; p++) for (let d = 0; d < 3; d++) var3[d] += (x3d[(b * N + p) * 3 + d]! - mean3[d]!) ** 2;
  const dn = Math.max(N - 1, 1);
  const depth = dof === 6
    ? (Math.sqrt(2 / 3) * Math.sqrt((var3[0]! + var3[1]! + var3[2]!) / dn)) / Math.max(Math.sqrt((vx + vy) / dn), 1e-6)
    : Math.sqrt(var3[1]! / dn) / Math.max(Math.sqrt(vy / dn), 1e-6);
  return Float64Array.of(mx * depth, my * depth, depth);
}

/** k distinct indices drawn in proportion to the weights whose cumulative sum is `cum`. */
function drawWithoutReplacement(cum: Float64Array, total: number, k: number, out: Int32Array, taken: Uint8Array, rng: data.Random): void {
  const n = cum.length;
  for (let i = 0; i < k; i++) {
    let idx = -1;
    for (let attempt = 0; attempt < 32 && idx < 0; attempt++) {
      const u = rng.uniform() * total;
      let lo = 0, hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cum[mid]! > u) hi = mid; else lo = mid + 1;
      }
      if (!taken[lo]) idx = lo;
    }
    if (idx < 0) {
      // Heavy weights already taken: draw among the rest exactly (rare, O(N)).
      let rest = 0;
      for (let p = 0; p < n; p++) if (!taken[p]) rest += cum[p]! - (p > 0 ? cum[p - 1]! : 0);
      let u = rng.uniform() * rest;
      for (let p = 0; p < n; p++) {
        if (taken[p]) continue;
        const w = cum[p]! - (p > 0 ? cum[p - 1]! : 0);
        if (w <= 0) continue;
        idx = p;
        u -= w;
        if (u < 0) break;
      }
    }
    taken[idx] = 1;
    out[i] = idx;
  }
  for (let i = 0; i < k; i++) taken[out[i]!] = 0;
}
