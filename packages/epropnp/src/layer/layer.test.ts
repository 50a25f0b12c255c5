import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { data, initBackend, tf } from '@lacuna/core';
import { syntheticProblems, poseErrors } from '../testing/synthetic_problems.js';
import { makePnPBatch, type RobustKernel } from '../problem/pnp_batch.js';
import { monteCarloPoseLoss, monteCarloPoseLossGradient } from '../losses/monte_carlo_loss.js';
import { gaussNewtonStep } from '../solver/levenberg_marquardt.js';
import { addPoseStep } from '../geometry/pose_step.js';
import { solvePnPBatch } from '../solver/solve_pnp.js';
import { derivativeRegularisation } from './derivative_regularisation.js';
import { EProPnP } from './epropnp.js';
import { solveBatched } from './batched_solve.js';

before(async () => {
  await initBackend({ backend: 'cpu' });
});

const f32 = (a: ArrayLike<number>) => Float32Array.from(a);

test('the layer passes the Monte Carlo gradient to its tensor inputs and zeroes flagged problems', () => {
  const B = 3, N = 32;
  const sp = syntheticProblems({ B, N, seed: 3, noise: 1 });
  const w = new Float32Array(B * N * 2).fill(0.5);
  w.fill(0, 2 * N * 2); // problem 2: all weights zero
  const x3d = tf.tensor3d(f32(sp.x3d), [B, N, 3]), x2d = tf.tensor3d(f32(sp.x2d), [B, N, 2]), w2d = tf.tensor3d(w, [B, N, 2]);
  const layer = new EProPnP({ seed: 9, amis: { mcSamples: 128 } });
  let status: string[] = [];
  const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
    const out = layer.monteCarloForward(a as tf.Tensor3D, b as tf.Tensor3D, c as tf.Tensor3D, sp.camera, sp.poseGt);
    status = out.status;
    return tf.sum(out.lossMc);
  })([x3d, x2d, w2d]);
  assert.deepEqual(status, ['ok', 'ok', 'zero-weights']);
  // The same numbers straight from the float64 implementation, with the same sampler seed.
  const batch = makePnPBatch({ x3d: x3d.dataSync(), x2d: x2d.dataSync(), w2d: w2d.dataSync(), camera: sp.camera, N });
  const fwd = monteCarloPoseLoss(batch, sp.poseGt, { rng: new data.Random(9), amis: { mcSamples: 128 } });
  const g = monteCarloPoseLossGradient(batch, sp.poseGt, fwd, [1, 1, 1]);
  const expected = [g.x3d, g.x2d, g.w2d];
  grads.forEach((t, i) => {
    const got = t.dataSync();
    const ref = expected[i]!;
    const scale = Math.max(...ref.map(Math.abs));
    assert.ok(scale > 0);
    for (let k = 0; k < ref.length; k++) assert.ok(Math.abs(got[k]! - ref[k]!) <= 1e-5 * scale + 1e-6, `input ${i} entry ${k}: ${got[k]} vs ${ref[k]}`);
    for (let k = 2 * N * (i === 0 ? 3 : 2); k < ref.length; k++) assert.equal(got[k], 0, 'flagged problem has zero gradient');
  });
});

test('the batched solve op: A X = B, and its gradients match central differences', () => {
  const a = tf.tensor3d([4, 1, 0, 1, 3, 1, 0, 1, 2, 2, 0, 0, 0, 1, 0, 0, 0, 5], [2, 3, 3]);
  const b = tf.tensor3d([1, 2, 3, 4, 5, 6, 1, 1, 1, 2, 2, 2], [2, 3, 2]);
  const x = solveBatched(a, b);
  const ax = tf.matMul(a, x).dataSync();
  b.dataSync().forEach((v, i) => assert.ok(Math.abs(ax[i]! - v) < 1e-5));
  const weights = tf.tensor3d(Float32Array.from({ length: 12 }, (_, i) => Math.sin(i + 1)), [2, 3, 2]);
  const f = (aa: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(solveBatched(aa as tf.Tensor3D, bb as tf.Tensor3D), weights));
  const [ga, gb] = tf.grads(f)([a, b]);
  for (const [which, base, got] of [[0, a, ga!], [1, b, gb!]] as const) {
    const v0 = base.dataSync();
    for (let i = 0; i < v0.length; i++) {
      const h = 1e-2;
      const at = (d: number) => {
        const v = Float32Array.from(v0);
        v[i] = v[i]! + d;
        const t = tf.tensor3d(v, base.shape as [number, number, number]);
        return (which === 0 ? f(t, b) : f(a, t)).dataSync()[0]!;
      };
      const fd = (at(h) - at(-h)) / (2 * h);
      assert.ok(Math.abs(fd - got.dataSync()[i]!) < 2e-3 * Math.max(1, Math.abs(fd)), `input ${which} entry ${i}: ${fd} vs ${got.dataSync()[i]}`);
    }
  }
});

/** Derivative regularisation in float64 from the plain solver, for reference. */
function derivRegReference(x3d: Float64Array, x2d: Float64Array, w2d: Float64Array, N: number, camera: Parameters<typeof makePnPBatch>[0]['camera'], poseOpt: Float64Array, gt: Float64Array, kernel: RobustKernel) {
  const batch = makePnPBatch({ x3d, x2d, w2d, camera, N, B: 1, kernel });
  const step = new Float64Array(6);
  gaussNewtonStep(batch, 0, poseOpt, 0, step);
  const plus = new Float64Array(7);
  addPoseStep(poseOpt, 0, step, 0, 6, plus, 0);
  const e = Math.hypot(plus[0]! - gt[0]!, plus[1]! - gt[1]!, plus[2]! - gt[2]!);
  const lossT = e < 0.05 ? (0.5 * e * e) / 0.05 : e - 0.025;
  const dot = plus[3]! * gt[3]! + plus[4]! * gt[4]! + plus[5]! * gt[5]! + plus[6]! * gt[6]!;
  return { lossT, lossR: 2 * (1 - dot * dot) };
}

for (const kernel of ['huber', 'cauchy'] as const) test(`derivative regularisation (${kernel}): tf forward equals the float64 Gauss-Newton step, gradients match central differences`, () => {
  const N = 16;
  const sp = syntheticProblems({ B: 1, N, seed: 5, noise: 4 });
  const rng = new data.Random(3);
  const w = Float64Array.from({ length: N * 2 }, () => rng.uniform(0.3, 1));
  const batch = makePnPBatch({ x3d: sp.x3d, x2d: sp.x2d, w2d: w, camera: sp.camera, N, kernel });
  // A detached "solution" slightly off the optimum, so that the step is not zero.
  const poseOpt = solvePnPBatch(batch).pose;
  addPoseStep(poseOpt, 0, [0.004, -0.003, 0.01, 0.01, -0.02, 0.01], 0, 6, poseOpt, 0);
  const gt = sp.poseGt;
  const ref = derivRegReference(sp.x3d, sp.x2d, w, N, sp.camera, poseOpt, gt, kernel);
  const inputs = [tf.tensor3d(f32(sp.x3d), [1, N, 3]), tf.tensor3d(f32(sp.x2d), [1, N, 2]), tf.tensor3d(f32(w), [1, N, 2])] as const;
  const terms = derivativeRegularisation(inputs[0], inputs[1], inputs[2], batch, poseOpt, gt);
  assert.ok(Math.abs(terms.lossT.dataSync()[0]! - ref.lossT) < 2e-4 * Math.max(ref.lossT, 1e-3), `lossT ${terms.lossT.dataSync()[0]} vs ${ref.lossT}`);
  assert.ok(Math.abs(terms.lossR.dataSync()[0]! - ref.lossR) < 2e-3 * Math.max(ref.lossR, 1e-4), `lossR ${terms.lossR.dataSync()[0]} vs ${ref.lossR}`);
  for (const which of ['lossT', 'lossR'] as const) {
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
      const r = derivativeRegularisation(a as tf.Tensor3D, b as tf.Tensor3D, c as tf.Tensor3D, batch, poseOpt, gt);
      return tf.sum(r[which]);
    })([...inputs]);
    const base = [sp.x3d, sp.x2d, w];
    grads.forEach((gT, i) => {
      const got = gT.dataSync();
      const h = i === 0 ? 1e-6 : 1e-5;
      let worst = 0;
      const scale = Math.max(...Array.from(got, Math.abs));
      for (let k = 0; k < base[i]!.length; k += 2) {
        const at = (d: number) => {
          const v = base.map((a) => a.slice());
          v[i]![k] = v[i]![k]! + d;
          return derivRegReference(v[0]!, v[1]!, v[2]!, N, sp.camera, poseOpt, gt, kernel)[which];
        };
        const fd = (at(h) - at(-h)) / (2 * h);
        worst = Math.max(worst, Math.abs(fd - got[k]!) / scale);
      }
      assert.ok(worst < 2e-2, `${which}, input ${i}: worst error relative to the largest gradient ${worst}`);
    });
  }
});

test('training weights through the layer down-weights outliers and improves the pose', () => {
  // The "network" is a free logit per correspondence; 25 % of the 2D points are outliers.
  const N = 48;
  const sp = syntheticProblems({ B: 2, N, seed: 8, noise: 0.5, outliers: 0.25 });
  const x3d = tf.tensor3d(f32(sp.x3d), [2, N, 3]), x2d = tf.tensor3d(f32(sp.x2d), [2, N, 2]);
  const logits = tf.variable(tf.zeros([2, N, 2]));
  const layer = new EProPnP({ seed: 1, amis: { mcSamples: 128 } });
  const opt = tf.train.adam(0.1);
  const weights = () => tf.mul(tf.softmax(logits.reshape([2, N * 2])).reshape([2, N, 2]), N * 2 * 0.3) as tf.Tensor3D;
  const poseError = () => {
    const sol = layer.solve(x3d, x2d, weights(), sp.camera, { seed: 0 });
    return [0, 1].reduce((s, b) => s + poseErrors(sol.pose, sp.poseGt, b * 7, b * 7).rotDeg, 0) / 2;
  };
  const before = poseError();
  const losses: number[] = [];
  for (let step = 0; step < 40; step++) {
    const loss = opt.minimize(() => {
      const out = layer.monteCarloForward(x3d, x2d, weights(), sp.camera, sp.poseGt, { derivativeRegularisation: true });
      return tf.mean(tf.add(out.lossMc, tf.add(out.lossT!, out.lossR!))) as tf.Scalar;
    }, true)!;
    losses.push(loss.dataSync()[0]!);
  }
  const first = losses.slice(0, 5).reduce((a, b) => a + b) / 5;
  const last = losses.slice(-5).reduce((a, b) => a + b) / 5;
  assert.ok(last < first - 1, `loss ${first.toFixed(3)} -> ${last.toFixed(3)}`);
  const after = poseError();
  assert.ok(after < before, `rotation error ${before.toFixed(3)} -> ${after.toFixed(3)} deg`);
});
