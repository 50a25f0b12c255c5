import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Optimizer } from './optimizer.js';

await tf.setBackend('cpu');

const lrs = (list: number[]) => (t: number) => list[Math.min(t, list.length - 1)]!;

/** Runs `steps` updates of loss = Σ c·w (gradient c) or ½Σw² (gradient w); returns w after each. */
function run(opt: Optimizer, w0: number[], steps: number, loss: 'linear' | 'square', c = [1, -2]): number[][] {
  const w = tf.variable(tf.tensor1d(w0));
  const out: number[][] = [];
  for (let i = 0; i < steps; i++) {
    tf.dispose(opt.minimize(() => (loss === 'linear' ? tf.sum(tf.mul(w, c)) : tf.mul(0.5, tf.sum(tf.square(w)))) as tf.Scalar, [w]));
    out.push(Array.from(w.dataSync()));
  }
  w.dispose();
  return out;
}

function near(got: number[][], want: number[][], tol = 1e-6): void {
  assert.equal(got.length, want.length);
  got.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - want[i]![j]!) <= tol, `step ${i} [${j}]: ${v} vs ${want[i]![j]}`)));
}

test('SGD follows a per-step schedule (setLearningRate each step)', () => {
  const got = run(new Optimizer({ kind: 'sgd', lr: lrs([0.1, 0.5, 0.2]) }), [1, 2], 3, 'linear');
  near(got, [[0.9, 2.2], [0.4, 3.2], [0.2, 3.6]]);
});

test('momentum and Nesterov follow the schedule and PyTorch update rules', () => {
  // g = c constant; buf1 = g, buf2 = 1.9 g.
  const m = run(new Optimizer({ kind: 'sgd', momentum: 0.9, lr: lrs([0.1, 0.2]) }), [0, 0], 2, 'linear');
  near(m, [[-0.1, 0.2], [-0.1 - 0.2 * 1.9, 0.2 + 0.4 * 1.9]]);
  // Nesterov step = g + 0.9·buf: 1.9 g then 2.71 g.
  const n = run(new Optimizer({ kind: 'sgd', momentum: 0.9, nesterov: true, lr: lrs([0.1, 0.2]) }), [0, 0], 2, 'linear');
  near(n, [[-0.19, 0.38], [-0.19 - 0.2 * 2.71, 0.38 + 0.4 * 2.71]]);
});

test('Adam follows the schedule (learningRate field read each update) and matches a float64 reference', () => {
  const sched = lrs([0.1, 0.01, 0.05, 0.2]);
  const got = run(new Optimizer({ kind: 'adam', lr: sched, beta1: 0.8, beta2: 0.95 }), [1, -3], 4, 'square');
  let w = [1, -3], m = [0, 0], v = [0, 0];
  const want: number[][] = [];
  for (let t = 1; t <= 4; t++) {
    const g = [...w];
    m = m.map((x, i) => 0.8 * x + 0.2 * g[i]!);
    v = v.map((x, i) => 0.95 * x + 0.05 * g[i]! ** 2);
    w = w.map((x, i) => x - (sched(t - 1) * (m[i]! / (1 - 0.8 ** t))) / (Math.sqrt(v[i]! / (1 - 0.95 ** t)) + 1e-8));
    want.push([...w]);
  }
  near(got, want, 1e-5);
});

test('weight decay: coupled adds wd·w to the gradient; decoupled shrinks w by (1 − lr·wd) first', () => {
  const coupled = run(new Optimizer({ kind: 'sgd', lr: 0.1, weightDecay: 0.5 }), [2, 4], 1, 'linear');
  near(coupled, [[2 - 0.1 * (1 + 1), 4 - 0.1 * (-2 + 2)]]);
  const decoupled = run(new Optimizer({ kind: 'adam', lr: 0.1, weightDecay: 0.5, decoupledWeightDecay: true }), [2, 4], 1, 'linear');
  near(decoupled, [[2 * 0.95 - 0.1, 4 * 0.95 + 0.1]], 1e-5);
});

test('clipNorm clips the global gradient norm before the update', () => {
  const got = run(new Optimizer({ kind: 'sgd', lr: 1, clipNorm: 1 }), [0, 0], 1, 'linear', [3, 4]);
  near(got, [[-3 / (5 + 1e-6), -4 / (5 + 1e-6)]]);
});

test('minimize updates only the given variables; lr/step/lastLr bookkeeping', () => {
  const a = tf.variable(tf.scalar(1)), b = tf.variable(tf.scalar(1));
  const opt = new Optimizer({ kind: 'sgd', lr: lrs([0.5, 0.25]) });
  assert.equal(opt.lr, 0.5);
  assert.equal(opt.lastLr, null);
  tf.dispose(opt.minimize(() => tf.mul(a, b) as tf.Scalar, [a]));
  assert.equal(a.dataSync()[0], 0.5);
  assert.equal(b.dataSync()[0], 1);
  assert.equal(opt.step, 1);
  assert.equal(opt.lastLr, 0.5);
  assert.equal(opt.lr, 0.25);
});

for (const options of [
  { kind: 'adam', lr: lrs([0.05, 0.02, 0.01]), clipNorm: 5 },
  { kind: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-2 },
  { kind: 'sgd', lr: 0.1 },
] as const) {
  test(`getState/setState: a restored ${options.kind}${'momentum' in options ? '+momentum' : ''} continues bit-identically`, async () => {
    const start = [0.7, -1.3, 2.1];
    const target = tf.tensor1d([0.1, 0.2, 0.3]);
    const loss = (w: tf.Variable) => () => tf.sum(tf.square(tf.sub(tf.mul(w, w), target))) as tf.Scalar;
    const wa = tf.variable(tf.tensor1d(start));
    const a = new Optimizer(options);
    for (let i = 0; i < 20; i++) tf.dispose(a.minimize(loss(wa), [wa])); // tfjs would restore β^21 via pow(), off by an ulp here
    const state = await a.getState();
    const copied = { ...state, tensors: state.tensors.map((t) => ({ name: t.name, tensor: tf.clone(t.tensor) })) };
    const wb = tf.variable(tf.clone(wa));
    const b = new Optimizer(options);
    await b.setState(copied);
    assert.equal(b.step, 20);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 12; i++) {
      tf.dispose(a.minimize(loss(wa), [wa]));
      tf.dispose(b.minimize(loss(wb), [wb]));
    }
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(Array.from(wb.dataSync()), Array.from(wa.dataSync()));
    tf.dispose(copied.tensors.map((t) => t.tensor));
  });
}
