/**
 * Adaptive Multiple Importance Sampling (Cornuet et al. 2012) of a pose distribution
 * p(y) proportional to exp(logTarget(y)), as EPro-PnP does it: the first proposal is fitted at
 * the LM solution from its covariance (Student-t for translation, angular central Gaussian for
 * the quaternion, or a von Mises + uniform mixture for yaw); each iteration draws a block of
 * samples, weighs *all* samples so far against the deterministic mixture of all proposals so
 * far (log w = logTarget - log mean_p q_p), and refits the next proposal to the weighted
 * samples (weighted mean and covariance; ACG by its fixed-point maximum-likelihood iteration).
 * The estimate of the normaliser is mean_j exp(log w_j).
 */
import type { data } from '@lacuna/core';
import { cholesky, determinant, invert } from '../linalg/dense.js';
import { quaternionTangent } from '../geometry/rotation.js';
import { poseLength } from '../geometry/pose_step.js';
import type { Dof } from '../problem/pnp_batch.js';
import { logProbStudentT3, sampleStudentT3, STUDENT_T_DOF } from '../distributions/student_t.js';
import { logProbAcg, sampleAcg } from '../distributions/angular_central_gaussian.js';
import { logProbVonMisesUniform, sampleVonMises, UNIFORM_MIX } from '../distributions/von_mises_uniform.js';

export interface AmisOptions {
  /** Total samples (EPro-PnP default 512), split evenly over the iterations. */
  mcSamples?: number;
  /** AMIS iterations (4). */
  numIter?: number;
  /** Fixed-point iterations of the ACG maximum-likelihood refit (3). */
  acgMleIter?: number;
  /** Dispersion added to the ACG: det(Lambda)^(1/4) * dispersion * I (0.001). */
  acgDispersion?: number;
  eps?: number;
}

export const AMIS_DEFAULTS: Required<AmisOptions> = { mcSamples: 512, numIter: 4, acgMleIter: 3, acgDispersion: 0.001, eps: 1e-5 };

export interface AmisResult {
  /** [S, 7] (or [S, 4]) pose samples. */
  samples: Float64Array;
  /** [S] log importance weights logTarget - log mixture. */
  logWeights: Float64Array;
  /** [S] logTarget of each sample. */
  logTarget: Float64Array;
}

/** Evaluates logTarget for samples[start..start+count) (pose rows) into out[start..]. */
export type LogTargetFn = (samples: Float64Array, start: number, count: number, out: Float64Array) => void;

/**
 * Runs AMIS around `mode` (a pose) with the local covariance `cov` [dof, dof] of the step
 * [dt, dtheta] (or [dt, dyaw]).
 */
export function amis(dof: Dof, mode: ArrayLike<number>, cov: ArrayLike<number>, logTarget: LogTargetFn, rng: data.Random, options: AmisOptions = {}): AmisResult {
  const o = { ...AMIS_DEFAULTS, ...options };
  if (!(Number.isInteger(o.numIter) && o.numIter > 0 && o.mcSamples % o.numIter === 0)) {
    throw new Error(`amis: mcSamples (${o.mcSamples}) must be a positive multiple of numIter (${o.numIter})`);
  }
  const S = o.mcSamples, perIter = S / o.numIter, len = poseLength(dof);
  const samples = new Float64Array(S * len);
  const target = new Float64Array(S);
  const logW = new Float64Array(S);
  // logq[p * S + s]: log-density of sample s under proposal p.
  const logq = new Float64Array(o.numIter * S);
  const proposals: Proposal[] = [initialProposal(dof, mode, cov, o)];
  for (let it = 0; it < o.numIter; it++) {
    const prop = proposals[it]!;
    const start = it * perIter;
    const uniformCount = dof === 4 ? Math.round(perIter * UNIFORM_MIX) : 0;
    for (let j = 0; j < perIter; j++) {
      const so = (start + j) * len;
      sampleStudentT3(prop.transMode, 0, prop.transL, 0, STUDENT_T_DOF, rng, samples, so);
      if (dof === 6) sampleAcg(prop.rotL!, 0, rng, samples, so + 3);
      else samples[so + 3] = j < uniformCount ? rng.uniform(-Math.PI, Math.PI) : sampleVonMises(prop.rotMode!, prop.rotKappa!, rng);
    }
    logTarget(samples, start, perIter, target);
    const total = start + perIter;
    for (let s = 0; s < total; s++) logq[it * S + s] = logProb(prop, dof, samples, s * len);
    for (let p = 0; p < it; p++) for (let s = start; s < total; s++) logq[p * S + s] = logProb(proposals[p]!, dof, samples, s * len);
    const logCount = Math.log(it + 1);
    for (let s = 0; s < total; s++) {
      let m = -Infinity;
      for (let p = 0; p <= it; p++) m = Math.max(m, logq[p * S + s]!);
      let sum = 0;
      for (let p = 0; p <= it; p++) sum += Math.exp(logq[p * S + s]! - m);
      logW[s] = target[s]! - (m + Math.log(sum) - logCount);
    }
    if (it < o.numIter - 1) proposals.push(refitProposal(dof, samples, logW, total, o));
  }
  return { samples, logWeights: logW, logTarget: target };
}

interface Proposal {
  transMode: Float64Array; // [3]
  transL: Float64Array; // [3, 3] lower Cholesky
  rotL?: Float64Array; // [4, 4] lower Cholesky (6-DoF)
  rotMode?: number; // 4-DoF
  rotKappa?: number;
}

function logProb(p: Proposal, dof: Dof, samples: Float64Array, so: number): number {
  const lt = logProbStudentT3(samples, so, p.transMode, 0, p.transL, 0, STUDENT_T_DOF);
  return lt + (dof === 6 ? logProbAcg(samples, so + 3, p.rotL!, 0) : logProbVonMisesUniform(samples[so + 3]!, p.rotMode!, p.rotKappa!));
}

/** Cholesky factor, or a fixed diagonal when the matrix is not positive definite. */
function choleskyOr(a: Float64Array, n: number, fallbackDiag: readonly number[]): Float64Array {
  const L = new Float64Array(n * n);
  if (cholesky(a, n, L)) return L;
  L.fill(0);
  for (let i = 0; i < n; i++) L[i * n + i] = fallbackDiag[i]!;
  return L;
}

function initialProposal(dof: Dof, mode: ArrayLike<number>, cov: ArrayLike<number>, o: Required<AmisOptions>): Proposal {
  const transCov = new Float64Array(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) transCov[r * 3 + c] = cov[r * dof + c]!;
  const transMode = Float64Array.of(mode[0]!, mode[1]!, mode[2]!);
  if (dof === 4) {
    return {
      transMode,
      transL: choleskyOr(transCov, 3, [1, 1, 4]),
      rotMode: mode[3]!,
      rotKappa: 0.33 / Math.max(cov[15]!, o.eps),
    };
  }
  // Lambda = (T Sigma_rot^-1 T^T + I)^-1, normalised to unit trace, plus the dispersion.
  const rotCov = new Float64Array(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) rotCov[r * 3 + c] = cov[(r + 3) * 6 + c + 3]!;
  const info = new Float64Array(9);
  const T = quaternionTangent(mode, 3);
  const lambda = new Float64Array(16);
  if (invert(rotCov, 3, info)) {
    const A = new Float64Array(16);
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 4; c++) {
        let s = r === c ? 1 : 0;
        for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) s += T[r * 3 + a]! * info[a * 3 + b]! * T[c * 3 + b]!;
        A[r * 4 + c] = s;
      }
    }
    if (!invert(A, 4, lambda)) identity4(lambda);
  } else {
    identity4(lambda);
  }
  return { transMode, transL: choleskyOr(transCov, 3, [1, 1, 1]), rotL: acgFactor(lambda, o.acgDispersion) };
}

function identity4(out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < 4; i++) out[i * 5] = 1;
}

/** Unit-trace Lambda plus det(Lambda)^(1/4) * dispersion * I, factorised. */
function acgFactor(lambda: Float64Array, dispersion: number): Float64Array {
  const tr = lambda[0]! + lambda[5]! + lambda[10]! + lambda[15]!;
  const m = lambda.map((x) => x / tr);
  const add = Math.pow(Math.max(determinant(m, 4), 0), 0.25) * dispersion;
  for (let i = 0; i < 4; i++) m[i * 5] = m[i * 5]! + add;
  return choleskyOr(m, 4, [1, 1, 1, 1]);
}

function refitProposal(dof: Dof, samples: Float64Array, logW: Float64Array, total: number, o: Required<AmisOptions>): Proposal {
  const len = poseLength(dof);
  // Self-normalised weights (softmax of the log weights).
  let m = -Infinity;
  for (let s = 0; s < total; s++) m = Math.max(m, logW[s]!);
  const w = new Float64Array(total);
  let sum = 0;
  for (let s = 0; s < total; s++) {
    w[s] = Math.exp(logW[s]! - m);
    sum += w[s]!;
  }
  for (let s = 0; s < total; s++) w[s] = w[s]! / sum;
  const transMode = new Float64Array(3);
  for (let s = 0; s < total; s++) for (let d = 0; d < 3; d++) transMode[d] += w[s]! * samples[s * len + d]!;
  const transCov = new Float64Array(9);
  for (let s = 0; s < total; s++) {
    for (let r = 0; r < 3; r++) {
      const dr = samples[s * len + r]! - transMode[r]!;
      for (let c = 0; c < 3; c++) transCov[r * 3 + c] += w[s]! * dr * (samples[s * len + c]! - transMode[c]!);
    }
  }
  if (dof === 4) {
    let sn = 0, cs = 0;
    for (let s = 0; s < total; s++) {
      sn += w[s]! * Math.sin(samples[s * len + 3]!);
      cs += w[s]! * Math.cos(samples[s * len + 3]!);
    }
    const r2 = sn * sn + cs * cs;
    return {
      transMode,
      transL: choleskyOr(transCov, 3, [1, 1, 4]),
      rotMode: Math.atan2(sn, cs),
      rotKappa: (0.33 * Math.max(Math.sqrt(r2), o.eps) * (2 - r2)) / Math.max(1 - r2, o.eps),
    };
  }
  // ACG maximum likelihood by Tyler's fixed point: Lambda = sum_s a_s q q^T, a_s ~ w_s / (q^T Lambda^-1 q).
  const lambda = new Float64Array(16);
  identity4(lambda);
  const inv = new Float64Array(16);
  const a = new Float64Array(total);
  for (let it = 0; it < o.acgMleIter; it++) {
    if (!invert(lambda, 4, inv)) break;
    let as = 0;
    for (let s = 0; s < total; s++) {
      const q = s * len + 3;
      let mq = 0;
      for (let r = 0; r < 4; r++) {
        let t = 0;
        for (let c = 0; c < 4; c++) t += inv[r * 4 + c]! * samples[q + c]!;
        mq += samples[q + r]! * t;
      }
      a[s] = w[s]! / Math.max(mq, o.eps);
      as += a[s]!;
    }
    lambda.fill(0);
    for (let s = 0; s < total; s++) {
      const q = s * len + 3;
      const f = a[s]! / as;
      for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) lambda[r * 4 + c] += f * samples[q + r]! * samples[q + c]!;
    }
    for (let i = 0; i < 4; i++) lambda[i * 5] = lambda[i * 5]! + o.eps;
  }
  // The reference adds the dispersion without renormalising here (trace is already ~1).
  const add = Math.pow(Math.max(determinant(lambda, 4), 0), 0.25) * o.acgDispersion;
  const withDisp = lambda.slice();
  for (let i = 0; i < 4; i++) withDisp[i * 5] = withDisp[i * 5]! + add;
  return { transMode, transL: choleskyOr(transCov, 3, [1, 1, 1]), rotL: choleskyOr(withDisp, 4, [1, 1, 1, 1]) };
}
