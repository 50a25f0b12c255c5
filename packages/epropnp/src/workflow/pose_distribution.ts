/**
 * The pose distribution p(y | X) of one estimated crop, as EPro-PnP defines it, drawn by AMIS
 * around the PnP solution: weighted pose samples and the spread they imply (the uncertainty
 * `lacuna epropnp predict` prints, and the samples the pictures plot).
 */
import { data } from '@lacuna/core';
import { makePnPBatch } from '../problem/pnp_batch.js';
import { costAt } from '../cost/reprojection.js';
import { amis } from '../monte_carlo/amis.js';
import { softmax } from '../losses/monte_carlo_loss.js';
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
  const { x3d, x2d, w2d, cameras, N } = est.problems;
  const batch = makePnPBatch({
    x3d: x3d.subarray(b * N * 3, (b + 1) * N * 3), x2d: x2d.subarray(b * N * 2, (b + 1) * N * 2), w2d: w2d.subarray(b * N * 2, (b + 1) * N * 2),
    camera: cameras[b]!, N, B: 1,
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
