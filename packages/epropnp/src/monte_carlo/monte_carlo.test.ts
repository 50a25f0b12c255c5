import assert from 'node:assert/strict';
import { test } from 'node:test';
import { data } from '@lacuna/core';
import { syntheticProblems } from '../testing/synthetic_problems.js';
import { makePnPBatch, type PnPBatch } from '../problem/pnp_batch.js';
import { costAt } from '../cost/reprojection.js';
import { logMeanExp, monteCarloPoseLoss, monteCarloPoseLossGradient } from '../losses/monte_carlo_loss.js';
import { amis } from './amis.js';
import { logBesselI0, logGamma } from '../distributions/special_functions.js';
import { logProbAcg, sampleAcg } from '../distributions/angular_central_gaussian.js';
import { logProbStudentT3 } from '../distributions/student_t.js';
import { logProbVonMisesUniform, sampleVonMises } from '../distributions/von_mises_uniform.js';
import { cholesky } from '../linalg/dense.js';
import { projectPoints } from '../geometry/camera.js';

test('special functions against tabulated values', () => {
  assert.ok(Math.abs(logGamma(0.5) - Math.log(Math.sqrt(Math.PI))) < 1e-14);
  assert.ok(Math.abs(logGamma(10) - Math.log(362880)) < 1e-12);
  // I0(1), I0(10), I0(20) from Abramowitz and Stegun table 9.8 / mpmath.
  assert.ok(Math.abs(logBesselI0(1) - Math.log(1.2660658777520084)) < 1e-14);
  assert.ok(Math.abs(logBesselI0(10) - Math.log(2815.716628466254)) < 1e-12);
  assert.ok(Math.abs(logBesselI0(20) - Math.log(43558282.55955353)) < 1e-12);
  assert.equal(logBesselI0(0), 0);
});

test('the Student-t density at its centre matches the closed form', () => {
  // nu = 3, d = 3, L = diag(2, 1, 0.5): log p(mu) = lgamma(3) - lgamma(1.5) - 1.5 log(3 pi) - log|L|.
  const L = [2, 0, 0, 0, 1, 0, 0, 0, 0.5];
  const expected = Math.log(2) - Math.log(Math.sqrt(Math.PI) / 2) - 1.5 * Math.log(3 * Math.PI) - Math.log(1);
  assert.ok(Math.abs(logProbStudentT3([1, 2, 3], 0, [1, 2, 3], 0, L, 0, 3) - expected) < 1e-13);
});

test('the ACG density integrates to 1 over the 3-sphere and sampling follows it', () => {
  const rng = new data.Random(4);
  const L = new Float64Array(16);
  assert.ok(cholesky([4, 1, 0, 0, 1, 2, 0, 0, 0, 0, 0.5, 0.1, 0, 0, 0.1, 0.3], 4, L));
  // E_uniform[p(q)] * area(S^3) = 1, with uniform q = normalised N(0, I) draws.
  const I = Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
  const q = new Float64Array(4);
  let sum = 0;
  const n = 40000;
  for (let k = 0; k < n; k++) {
    sampleAcg(I, 0, rng, q, 0);
    sum += Math.exp(logProbAcg(q, 0, L, 0));
  }
  const integral = (sum / n) * 2 * Math.PI * Math.PI;
  assert.ok(Math.abs(integral - 1) < 0.03, `integral ${integral}`);
});

test('von Mises sampling matches its circular mean resultant A(kappa) = I1/I0', () => {
  const rng = new data.Random(1);
  const kappa = 4, mu = 0.7;
  let c = 0, s = 0;
  const n = 20000;
  for (let k = 0; k < n; k++) {
    const x = sampleVonMises(mu, kappa, rng);
    c += Math.cos(x - mu);
    s += Math.sin(x - mu);
  }
  // A(4) = I1(4) / I0(4) = 9.759465153704 / 11.301921952136 = 0.863520.
  assert.ok(Math.abs(c / n - 0.86352) < 0.01, `mean cos ${c / n}`);
  assert.ok(Math.abs(s / n) < 0.01);
  // The mixture density integrates to 1 on the circle.
  let integral = 0;
  const m = 20000;
  for (let k = 0; k < m; k++) integral += Math.exp(logProbVonMisesUniform(-Math.PI + ((k + 0.5) * 2 * Math.PI) / m, mu, kappa));
  assert.ok(Math.abs((integral * 2 * Math.PI) / m - 1) < 1e-9);
});

test('AMIS recovers a known 6-DoF target: normaliser, weighted mean and spread', () => {
  // Target: N(mu, diag(s^2)) in translation times an ACG(Lambda) in rotation, both normalised,
  // scaled by Z = e^2. AMIS starts from a wrong mode with a too narrow covariance.
  const mu = [0.1, -0.2, 1.5], s = [0.01, 0.02, 0.05];
  const Lrot = new Float64Array(16);
  cholesky([0.9, 0, 0, 0, 0, 0.04, 0, 0, 0, 0, 0.03, 0, 0, 0, 0, 0.03], 4, Lrot);
  const logZ = 2;
  const logTarget = (poses: Float64Array, start: number, count: number, out: Float64Array) => {
    for (let j = start; j < start + count; j++) {
      let lp = logZ;
      for (let d = 0; d < 3; d++) lp += -0.5 * ((poses[j * 7 + d]! - mu[d]!) / s[d]!) ** 2 - Math.log(s[d]! * Math.sqrt(2 * Math.PI));
      out[j] = lp + logProbAcg(poses, j * 7 + 3, Lrot, 0);
    }
  };
  const cov = new Float64Array(36);
  for (let i = 0; i < 6; i++) cov[i * 7] = i < 3 ? (0.5 * s[i]!) ** 2 : 0.01;
  const mode = [0.11, -0.21, 1.45, 1, 0, 0, 0];
  const r = amis(6, mode, cov, logTarget, new data.Random(7), { mcSamples: 4096, numIter: 8 });
  assert.ok(Math.abs(logMeanExp(r.logWeights) - logZ) < 0.05, `log Z estimate ${logMeanExp(r.logWeights)}`);
  const w = softmaxOf(r.logWeights);
  for (let d = 0; d < 3; d++) {
    let m = 0, v = 0;
    for (let j = 0; j < w.length; j++) m += w[j]! * r.samples[j * 7 + d]!;
    for (let j = 0; j < w.length; j++) v += w[j]! * (r.samples[j * 7 + d]! - m) ** 2;
    assert.ok(Math.abs(m - mu[d]!) < 0.1 * s[d]!, `mean[${d}] ${m} vs ${mu[d]}`);
    assert.ok(Math.abs(Math.sqrt(v) / s[d]! - 1) < 0.1, `std[${d}] ${Math.sqrt(v)} vs ${s[d]}`);
  }
});

test('AMIS recovers a known 4-DoF target (von Mises yaw)', () => {
  const logZ = -1, kappa = 30, yaw0 = 2.5;
  const logTarget = (poses: Float64Array, start: number, count: number, out: Float64Array) => {
    for (let j = start; j < start + count; j++) {
      let lp = logZ;
      for (let d = 0; d < 3; d++) lp += -0.5 * ((poses[j * 4 + d]! - 1) / 0.1) ** 2 - Math.log(0.1 * Math.sqrt(2 * Math.PI));
      out[j] = lp + kappa * Math.cos(poses[j * 4 + 3]! - yaw0) - Math.log(2 * Math.PI) - logBesselI0(kappa);
    }
  };
  const cov = new Float64Array(16);
  for (let i = 0; i < 4; i++) cov[i * 5] = i < 3 ? 0.003 : 0.01;
  const r = amis(4, [1, 1, 1, 2.3], cov, logTarget, new data.Random(2), { mcSamples: 2048, numIter: 4 });
  assert.ok(Math.abs(logMeanExp(r.logWeights) - logZ) < 0.05, `log Z estimate ${logMeanExp(r.logWeights)}`);
});

function softmaxOf(x: Float64Array): Float64Array {
  const m = Math.max(...x);
  const e = x.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** The loss with the samples and proposal densities held fixed, as a function of the inputs. */
function lossAtFixedSamples(batchOf: (x3d: Float64Array, x2d: Float64Array, w2d: Float64Array) => PnPBatch, gt: Float64Array, samples: Float64Array, logProposal: Float64Array, len = 7) {
  return (x3d: Float64Array, x2d: Float64Array, w2d: Float64Array) => {
    const batch = batchOf(x3d, x2d, w2d);
    const lw = Float64Array.from(logProposal, (lq, j) => -costAt(batch, 0, samples, j * len) - lq);
    return costAt(batch, 0, gt, 0) + logMeanExp(lw);
  };
}

for (const [dof, kernel] of [[6, 'huber'], [4, 'huber'], [6, 'cauchy']] as const) {
  test(`the Monte Carlo loss gradient matches central differences (samples fixed, ${dof}-DoF, ${kernel})`, () => {
    const N = 24, len = dof === 6 ? 7 : 4;
    const sp = syntheticProblems({ B: 1, N, seed: 31, noise: 2, outliers: 0.15 });
    // 4-DoF: keep the translation and use the yaw of the same rotation; re-project exactly.
    const gt = dof === 6 ? sp.poseGt : Float64Array.of(sp.poseGt[0]!, sp.poseGt[1]!, sp.poseGt[2]!, 0.7);
    const x2d = dof === 6 ? sp.x2d : Float64Array.from(projectPoints(sp.x3d, gt, sp.camera, 4), (v, i) => v + (i % 5) - 2);
    const rng = new data.Random(5);
    const w2d = Float64Array.from({ length: N * 2 }, () => rng.uniform(0.2, 1.5));
    const batchOf = (x3d: Float64Array, x: Float64Array, w: Float64Array) => makePnPBatch({ x3d, x2d: x, w2d: w, camera: sp.camera, N, dof, kernel });
    const batch = batchOf(sp.x3d, x2d, w2d);
    const fwd = monteCarloPoseLoss(batch, gt, { seed: 3, amis: { mcSamples: 128 } });
    // log q_j = logTarget_j - log w_j at the base point.
    const samples = fwd.samples[0]!;
    const logProposal = Float64Array.from(fwd.logWeights[0]!, (lw, j) => -costAt(batch, 0, samples, j * len) - lw);
    const f = lossAtFixedSamples(batchOf, gt, samples, logProposal, len);
    assert.ok(Math.abs(f(sp.x3d, x2d, w2d) - fwd.loss[0]!) < 1e-12, 'the fixed-sample loss reproduces the forward');
    const g = monteCarloPoseLossGradient(batch, gt, fwd, [1]);
    const inputs = { x3d: sp.x3d, x2d, w2d };
    for (const name of ['x3d', 'x2d', 'w2d'] as const) {
      const base = inputs[name];
      let worst = 0;
      for (let i = 0; i < base.length; i += 3) {
        const h = name === 'x3d' ? 1e-7 : 1e-6;
        const at = (d: number) => {
          const v = base.slice();
          v[i] = v[i]! + d;
          const args = { ...inputs, [name]: v };
          return f(args.x3d, args.x2d, args.w2d);
        };
        const fd = (at(h) - at(-h)) / (2 * h);
        const scale = Math.max(...g[name].map(Math.abs));
        worst = Math.max(worst, Math.abs(fd - g[name][i]!) / scale);
      }
      assert.ok(worst < 1e-5, `${name}: worst relative error ${worst}`);
    }
  });
}

test('the loss is a KL estimate: at the exact, well-determined solution it is near its floor', () => {
  // Zero-noise correspondences with unit weights: p is sharply peaked at y_gt, so the loss is
  // cost(y_gt) = 0 plus log Z, and log Z is close to the Laplace value
  // 1/2 log det(Sigma) + 3 log(2 pi) + log 2.
  const N = 64;
  const sp = syntheticProblems({ B: 1, N, seed: 12 });
  const w2d = new Float64Array(N * 2).fill(0.2);
  const batch = makePnPBatch({ x3d: sp.x3d, x2d: sp.x2d, w2d, camera: sp.camera, N, delta: 1e9 });
  const fwd = monteCarloPoseLoss(batch, sp.poseGt, { seed: 1, amis: { mcSamples: 2048 } });
  const cov = fwd.covariance;
  const L = new Float64Array(36);
  assert.ok(cholesky(cov, 6, L));
  let halfLogDetCov = 0;
  for (let i = 0; i < 6; i++) halfLogDetCov += Math.log(L[i * 7]!);
  // T(q) has orthonormal columns, so q moves on S^3 by |dtheta|: the local Gaussian integrals
  // give (2 pi)^3 |Sigma|^1/2; the samples live on S^3, where q and -q both carry the peak (log 2).
  const laplace = halfLogDetCov + 3 * Math.log(2 * Math.PI) + Math.log(2);
  assert.ok(Math.abs(fwd.loss[0]! - laplace) < 0.05, `loss ${fwd.loss[0]} vs Laplace ${laplace}`);
});
