import assert from 'node:assert/strict';
import { test } from 'node:test';
import { data } from '@lacuna/core';
import { syntheticProblems } from '../testing/synthetic_problems.js';
import { makePnPBatch } from '../problem/pnp_batch.js';
import { costAt, normalEquationsAt } from '../cost/reprojection.js';
import { solvePnPBatch, solvePnP } from './solve_pnp.js';
import { epnpPose } from './epnp.js';
import { levenbergMarquardt } from './levenberg_marquardt.js';
import { addPoseStep } from '../geometry/pose_step.js';
import { makeCamera, projectPoints } from '../geometry/camera.js';

/** Relative pose error: ||t - t_gt|| / ||t_gt|| and the quaternion distance min(|q - q_gt|, |q + q_gt|). */
function relativeErrors(pose: Float64Array, gt: Float64Array, B: number, len = 7): { t: number; q: number } {
  let t = 0, q = 0;
  for (let b = 0; b < B; b++) {
    const o = b * len;
    t = Math.max(t, Math.hypot(pose[o]! - gt[o]!, pose[o + 1]! - gt[o + 1]!, pose[o + 2]! - gt[o + 2]!) / Math.hypot(gt[o]!, gt[o + 1]!, gt[o + 2]!));
    if (len === 7) {
      let dm = 0, dp = 0;
      for (let i = 3; i < 7; i++) {
        dm += (pose[o + i]! - gt[o + i]!) ** 2;
        dp += (pose[o + i]! + gt[o + i]!) ** 2;
      }
      q = Math.max(q, Math.sqrt(Math.min(dm, dp)));
    } else {
      q = Math.max(q, Math.abs(Math.atan2(Math.sin(pose[o + 3]! - gt[o + 3]!), Math.cos(pose[o + 3]! - gt[o + 3]!))));
    }
  }
  return { t, q };
}

for (const init of ['epnp', 'random-sample', 'both'] as const) {
  test(`noise-free problems are solved to 1e-9 relative error (init ${init})`, () => {
    const sp = syntheticProblems({ B: 16, N: 48, seed: 11 });
    const batch = makePnPBatch({ x3d: sp.x3d, x2d: sp.x2d, camera: sp.camera, N: 48 });
    const sol = solvePnPBatch(batch, { init, seed: 1 });
    const err = relativeErrors(sol.pose, sp.poseGt, 16);
    assert.ok(err.t < 1e-9 && err.q < 1e-9, `relative errors t ${err.t}, q ${err.q}`);
    for (const c of sol.cost) assert.ok(c < 1e-15, `cost ${c}`);
  });
}

test('EPnP alone is exact on noise-free points', () => {
  const sp = syntheticProblems({ B: 8, N: 20, seed: 4 });
  const batch = makePnPBatch({ x3d: sp.x3d, x2d: sp.x2d, camera: sp.camera, N: 20 });
  const pose = new Float64Array(8 * 7);
  const idx = Int32Array.from({ length: 20 }, (_, i) => i);
  for (let b = 0; b < 8; b++) assert.ok(epnpPose(batch, b, idx, 20, pose, b * 7));
  const err = relativeErrors(pose, sp.poseGt, 8);
  assert.ok(err.t < 1e-8 && err.q < 1e-8, `EPnP errors t ${err.t}, q ${err.q}`);
});

test('4-DoF (x, y, z, yaw) problems are solved exactly', () => {
  const rng = new data.Random(8);
  const B = 6, N = 30;
  const cam = makeCamera({ fx: 700, fy: 700, cx: 320, cy: 240 });
  const x3d = Float64Array.from({ length: B * N * 3 }, () => rng.uniform(-1, 1));
  const gt = new Float64Array(B * 4);
  const x2d = new Float64Array(B * N * 2);
  for (let b = 0; b < B; b++) {
    gt.set([rng.uniform(-2, 2), rng.uniform(-0.5, 0.5), rng.uniform(8, 20), rng.uniform(-Math.PI, Math.PI)], b * 4);
    x2d.set(projectPoints(x3d.subarray(b * N * 3, (b + 1) * N * 3), gt.subarray(b * 4, b * 4 + 4), cam, 4), b * N * 2);
  }
  const batch = makePnPBatch({ x3d, x2d, camera: cam, N, dof: 4 });
  const sol = solvePnPBatch(batch, { init: 'random-sample', seed: 2 });
  const err = relativeErrors(sol.pose, gt, B, 4);
  assert.ok(err.t < 1e-9 && err.q < 1e-9, `4-DoF errors t ${err.t}, yaw ${err.q}`);
});

test('J^T r of the robust normal equations is the gradient of the Huber cost', () => {
  const sp = syntheticProblems({ B: 1, N: 40, seed: 6, noise: 3, outliers: 0.2 });
  const batch = makePnPBatch({ x3d: sp.x3d, x2d: sp.x2d, camera: sp.camera, N: 40 });
  const pose = sp.poseGt.slice();
  const JtJ = new Float64Array(36), g = new Float64Array(6);
  normalEquationsAt(batch, 0, pose, 0, JtJ, g);
  const moved = new Float64Array(7);
  for (let i = 0; i < 6; i++) {
    const h = i < 3 ? 1e-7 : 1e-7;
    const step = new Float64Array(6);
    step[i] = h;
    addPoseStep(pose, 0, step, 0, 6, moved, 0);
    const fp = costAt(batch, 0, moved, 0);
    step[i] = -h;
    addPoseStep(pose, 0, step, 0, 6, moved, 0);
    const fm = costAt(batch, 0, moved, 0);
    const fd = (fp - fm) / (2 * h);
    assert.ok(Math.abs(fd - g[i]!) <= 1e-5 * Math.max(1, Math.abs(g[i]!)), `component ${i}: finite difference ${fd}, J^T r ${g[i]}`);
  }
});

test('the covariance matches the spread of solutions under pixel noise, without being told the noise', () => {
  // With unit weights and Gaussian pixel noise sigma (all residuals inside the Huber
  // threshold), the estimator's covariance is sigma^2 (J^T J)^-1: the residuals give sigma^2,
  // and covarianceScale 'weights' returns (J^T J)^-1 alone.
  const N = 60, trials = 300, sigma = 0.5;
  const clean = syntheticProblems({ B: 1, N, seed: 21 });
  const rng = new data.Random(22);
  const solutions: Float64Array[] = [];
  const scaled = new Float64Array(36);
  let nominal: Float64Array | undefined;
  for (let k = 0; k < trials; k++) {
    const x2d = clean.x2d.map((v) => v + rng.normal(0, sigma));
    const batch = makePnPBatch({ x3d: clean.x3d, x2d, camera: clean.camera, N, delta: 1e6 });
    const sol = solvePnPBatch(batch, { withCovariance: true, poseInit: clean.poseGt });
    solutions.push(sol.pose);
    for (let i = 0; i < 36; i++) scaled[i] += sol.covariance![i]! / trials;
    nominal ??= solvePnPBatch(makePnPBatch({ x3d: clean.x3d, x2d, camera: clean.camera, N, delta: 1e6 }), { withCovariance: true, poseInit: clean.poseGt, covarianceScale: 'weights' }).covariance!;
  }
  for (let d = 0; d < 3; d++) {
    const mean = solutions.reduce((s, p) => s + p[d]!, 0) / trials;
    const variance = solutions.reduce((s, p) => s + (p[d]! - mean) ** 2, 0) / (trials - 1);
    for (const [name, predicted] of [['residual-scaled', scaled[d * 6 + d]!], ['sigma^2 x weights-only', sigma * sigma * nominal![d * 6 + d]!]] as const) {
      const ratio = Math.sqrt(variance / predicted);
      assert.ok(ratio > 0.85 && ratio < 1.15, `axis ${d}, ${name}: empirical std / predicted std = ${ratio.toFixed(3)}`);
    }
  }
});

test('Gauss-Newton fast mode converges on noise-free problems from a nearby start', () => {
  const sp = syntheticProblems({ B: 4, N: 32, seed: 9 });
  const batch = makePnPBatch({ x3d: sp.x3d, x2d: sp.x2d, camera: sp.camera, N: 32 });
  const pose = sp.poseGt.slice();
  for (let b = 0; b < 4; b++) {
    addPoseStep(pose, b * 7, [0.01, -0.01, 0.03, 0.02, 0.01, -0.02], 0, 6, pose, b * 7);
    levenbergMarquardt(batch, b, pose, b * 7, { fastMode: true, numIter: 10 });
  }
  const err = relativeErrors(pose, sp.poseGt, 4);
  assert.ok(err.t < 1e-9 && err.q < 1e-9, `GN errors t ${err.t}, q ${err.q}`);
});

test('solvePnP in OpenCV conventions returns rvec/tvec and a 6x6 covariance', () => {
  const sp = syntheticProblems({ B: 1, N: 12, seed: 3 });
  const K = sp.camera.K;
  const r = solvePnP(sp.x3d, sp.x2d, K);
  assert.equal(r.covariance.length, 36);
  const reproj = projectPoints(sp.x3d, r.pose, sp.camera);
  for (let i = 0; i < reproj.length; i++) assert.ok(Math.abs(reproj[i]! - sp.x2d[i]!) < 1e-8);
  assert.throws(() => solvePnP(sp.x3d, sp.x2d.subarray(0, 10), K), /disagree/);
});
