/**
 * The pose distribution p(y | X) of one estimated crop, as EPro-PnP defines it, drawn by AMIS
 * around the PnP solution: weighted pose samples and the spread they imply (the uncertainty
 * `lacuna epropnp predict` prints, and the samples the pictures plot).
 */
import { data } from '@lacuna/core';
import { makePnPBatch, type PnPBatch } from '../problem/pnp_batch.js';
import { levenbergMarquardt } from '../solver/levenberg_marquardt.js';
import { costAt } from '../cost/reprojection.js';
import { amis } from '../monte_carlo/amis.js';
import { logMeanExp, softmax } from '../losses/monte_carlo_loss.js';
import { quaternionAngleDeg } from '../geometry/rotation.js';
import type { PoseEstimates } from './estimate_pose.js';

export interface PoseDistribution {
  /** [S, 7] samples. */
  samples: Float64Array;
  /** [S] normalised importance weights. */
  weights: Float64Array;
  /** Weighted standard deviation of the translation, per axis (metres). */
  translationStd: [number, number, number];
  /** Weighted RMS angle between the samples and the estimate, degrees. */
  rotationRmsDeg: number;
  /** Effective sample size of the weights. */
  ess: number;
}

export function poseDistribution(est: PoseEstimates, b: number, options: { samples?: number; seed?: number } = {}): PoseDistribution {
  const { x3d, x2d, w2d, cameras, N, kernel } = est.problems;
  const batch = makePnPBatch({
    x3d: x3d.subarray(b * N * 3, (b + 1) * N * 3), x2d: x2d.subarray(b * N * 2, (b + 1) * N * 2), w2d: w2d.subarray(b * N * 2, (b + 1) * N * 2),
    camera: cameras[b]!, N, B: 1, kernel,
  });
  const pose = est.pose.subarray(b * 7, b * 7 + 7);
  const cov = est.covariance.subarray(b * 36, b * 36 + 36);
  const r = amis(6, pose, cov, (poses, start, count, out) => {
    for (let j = start; j < start + count; j++) out[j] = -costAt(batch, 0, poses, j * 7);
  }, new data.Random(options.seed ?? 0), { mcSamples: options.samples ?? 512 });
  const weights = softmax(r.logWeights);
  const mean = [0, 0, 0];
  for (let j = 0; j < weights.length; j++) for (let d = 0; d < 3; d++) mean[d] += weights[j]! * r.samples[j * 7 + d]!;
  const variance = [0, 0, 0];
  let angle2 = 0, w2 = 0;
  for (let j = 0; j < weights.length; j++) {
    for (let d = 0; d < 3; d++) variance[d] += weights[j]! * (r.samples[j * 7 + d]! - mean[d]!) ** 2;
    angle2 += weights[j]! * quaternionAngleDeg(r.samples, pose, j * 7 + 3, 3) ** 2;
    w2 += weights[j]! ** 2;
  }
  return {
    samples: r.samples,
    weights,
    translationStd: [Math.sqrt(variance[0]!), Math.sqrt(variance[1]!), Math.sqrt(variance[2]!)],
    rotationRmsDeg: Math.sqrt(angle2),
    ess: 1 / w2,
  };
}

/** Local maxima of a circular profile (e.g. `orientationProfile`) above `level`, in degrees. */
export function densityPeaks(profile: ArrayLike<number>, level = 0.5): number[] {
  const n = profile.length;
  const found: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = profile[i]!;
    if (v >= level && v >= profile[(i + n - 1) % n]! && v > profile[(i + 1) % n]!) found.push((360 * i) / n);
  }
  return found;
}

/**
 * A multi-modal pose distribution of problem 0 of `batch` (6-DoF): LM from each given mode,
 * AMIS around each, and the samples merged with weights softmax(log w) × the mode's share of
 * the estimated evidence (normaliser) of all modes.
 */
export function multiModePoseSamples(batch: PnPBatch, modes: readonly Float64Array[], seed: number): { samples: Float64Array; weights: Float64Array; shares: number[] } {
  const runs = modes.map((mode, k) => {
    const pose = mode.slice();
    const cov = new Float64Array(36);
    levenbergMarquardt(batch, 0, pose, 0, {}, cov);
    const r = amis(6, pose, cov, (poses, start, count, out) => {
      for (let j = start; j < start + count; j++) out[j] = -costAt(batch, 0, poses, j * 7);
    }, new data.Random(seed + k));
    return { r, logZ: logMeanExp(r.logWeights) };
  });
  const maxLogZ = Math.max(...runs.map((x) => x.logZ));
  const share = runs.map((x) => Math.exp(x.logZ - maxLogZ));
  const total = share.reduce((a, b) => a + b, 0);
  const samples = new Float64Array(runs.reduce((n, x) => n + x.r.samples.length, 0));
  const weights = new Float64Array(samples.length / 7);
  let o = 0;
  runs.forEach((x, k) => {
    samples.set(x.r.samples, o * 7);
    softmax(x.r.logWeights).forEach((w, j) => (weights[o + j] = (w * share[k]!) / total));
    o += x.r.logWeights.length;
  });
  return { samples, weights, shares: share.map((s) => s / total) };
}
