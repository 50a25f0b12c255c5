import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { tf, tfl, initBackend, ConfigError } from '@lacuna/core';
import { numericGrad, relMaxError } from '@lacuna/core/testing';
import { buildGenerator } from '../synthesis/generator.js';
import { blobImages } from '../synthesis/toy_pairs.js';
import { buildSegmenter } from './segmenter.js';
import { featureTaskLoss, labelFreeTaskLoss, supervisedTaskLoss, taskFeatureModel, taskTerm, validateTaskTermConfig, type TaskTermConfig } from '../losses/task_terms.js';
import { softDiceLoss, softmaxCrossEntropy } from '../losses/segmentation_loss.js';

before(async () => {
  await initBackend();
});

// F = a 1×1 conv with known weights: logits_k(x) = A[k]·x + B[k].
const A = [1.5, -1, 0.5];
const B = [0, 0.2, -0.1];
function linearNet(): tfl.LayersModel {
  const input = tfl.input({ shape: [null, null, 1] });
  const out = tfl.layers.conv2d({ filters: 3, kernelSize: 1, useBias: true, name: 'lin' }).apply(input) as tfl.SymbolicTensor;
  const net = tfl.model({ inputs: input, outputs: out });
  net.setWeights([tf.tensor4d(A, [1, 1, 1, 3]), tf.tensor1d(B)]);
  return net;
}
const logitsOf = (x: number) => A.map((a, k) => a * x + B[k]!);
const logSoftmax = (l: number[]) => {
  const m = Math.max(...l);
  const lse = m + Math.log(l.reduce((s, v) => s + Math.exp(v - m), 0));
  return l.map((v) => v - lse);
};
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;

const FAKE = [0.5, -0.3, 1, 0, -1, 0.2]; // [1, 2, 3, 1]
const REAL = [0.4, -0.6, 0.9, 0.3, -0.8, 0.2];
const LABELS = [0, 1, 2, 1, 1, 0];
const img = (v: number[]) => tf.tensor4d(v, [1, 2, 3, 1]);

test('supervised term = hand-computed CE of F(fake) against T (plain, class-weighted, + soft Dice); float [B,H,W,1] labels accepted', () => {
  const net = linearNet();
  const fake = img(FAKE);
  const labels = tf.tensor3d(LABELS, [1, 2, 3], 'int32');
  const nll = FAKE.map((x, i) => -logSoftmax(logitsOf(x))[LABELS[i]!]!);
  const ce = mean(nll);
  const got = (t: tf.Scalar) => { const v = t.dataSync()[0]!; t.dispose(); return v; };
  assert.ok(Math.abs(got(supervisedTaskLoss(net, fake, labels)) - ce) < 1e-5);
  const asFloat = tf.tensor4d(LABELS, [1, 2, 3, 1]);
  assert.ok(Math.abs(got(taskTerm({ kind: 'supervised', weight: 3 }, { fake, labels: asFloat, net })) - ce) < 1e-5); // unweighted
  const w = [1, 2, 0.5];
  const weighted = nll.reduce((s, v, i) => s + w[LABELS[i]!]! * v, 0) / LABELS.reduce((s, c) => s + w[c]!, 0);
  assert.ok(Math.abs(got(supervisedTaskLoss(net, fake, labels, { classWeights: w })) - weighted) < 1e-5);
  // Soft Dice: 1 − mean_k (2 Σ p t + ε)/(Σ p + Σ t + ε).
  const p = FAKE.map((x) => logSoftmax(logitsOf(x)).map(Math.exp));
  const dices = [0, 1, 2].map((k) => {
    const inter = p.reduce((s, pi, i) => s + (LABELS[i] === k ? pi[k]! : 0), 0);
    const total = p.reduce((s, pi) => s + pi[k]!, 0) + LABELS.filter((c) => c === k).length;
    return (2 * inter + 1e-5) / (total + 1e-5);
  });
  const softDice = 1 - mean(dices);
  assert.ok(softDice > 0.1 && softDice < 0.9);
  assert.ok(Math.abs(got(supervisedTaskLoss(net, fake, labels, { dice: 2 })) - (ce + 2 * softDice)) < 1e-5);
  assert.throws(() => supervisedTaskLoss(net, fake, tf.tensor3d([0, 1, 3, 0, 0, 0], [1, 2, 3])), /label 3 at flat index 2/);
  tf.dispose([fake, labels, asFloat]);
  net.dispose();
});

test('labelFree term = hand-computed KL / CE from softmax(F(real)) to softmax(F(fake)); 0 for fake = real', () => {
  const net = linearNet();
  const [fake, real] = [img(FAKE), img(REAL)];
  const kl = mean(FAKE.map((x, i) => {
    const lq = logSoftmax(logitsOf(REAL[i]!));
    const lp = logSoftmax(logitsOf(x));
    return lq.reduce((s, v, k) => s + Math.exp(v) * (v - lp[k]!), 0);
  }));
  const entropy = mean(REAL.map((y) => -logSoftmax(logitsOf(y)).reduce((s, v) => s + Math.exp(v) * v, 0)));
  const val = (t: tf.Scalar) => tf.tidy(() => t.dataSync()[0]!);
  assert.ok(kl > 0.01);
  assert.ok(Math.abs(val(labelFreeTaskLoss(net, fake, real)) - kl) < 1e-5);
  assert.ok(Math.abs(val(labelFreeTaskLoss(net, fake, real, 'ce')) - (kl + entropy)) < 1e-5);
  assert.ok(Math.abs(val(taskTerm({ kind: 'labelFree', weight: 1 }, { fake, real, net })) - kl) < 1e-5);
  assert.ok(Math.abs(val(labelFreeTaskLoss(net, real, real))) < 1e-6);
  tf.dispose([fake, real]);
  net.dispose();
});

test('finite differences on G\'s output match the gradients of the supervised and labelFree terms', () => {
  const net = linearNet();
  const [fake, real] = [img(FAKE), img(REAL)];
  const labels = tf.tensor3d(LABELS, [1, 2, 3], 'int32');
  const terms: Array<(x: tf.Tensor) => tf.Scalar> = [
    (x) => supervisedTaskLoss(net, x as tf.Tensor4D, labels, { dice: 1 }),
    (x) => labelFreeTaskLoss(net, x as tf.Tensor4D, real),
  ];
  for (const f of terms) {
    const analytic = tf.tidy(() => Array.from(tf.grad(f)(fake).dataSync()));
    const numeric = numericGrad(f, [fake], 0, [0, 1, 2, 3, 4, 5], 1e-2);
    assert.ok(analytic.some((g) => Math.abs(g) > 1e-3));
    assert.ok(relMaxError(analytic, numeric) < 2e-2, `analytic ${analytic} numeric ${numeric}`);
  }
  tf.dispose([fake, real, labels]);
  net.dispose();
});

test('feature term: 0 for identical images, the hand L1 / L2 of F\'s activations otherwise; shallow and deep layers', () => {
  const net = buildSegmenter({ inChannels: 1, classes: 3, base: 4, depth: 2, seed: 3 });
  const real = blobImages(2, 32, 1);
  const fake = blobImages(2, 32, 2);
  const shapes = { shallow: [2, 32, 32, 4], deep: [2, 8, 8, 16] };
  for (const depth of ['shallow', 'deep'] as const) {
    const layer = depth === 'shallow' ? 'segmenter_enc0_c2_act' : 'segmenter_bottleneck_c2_act';
    const cfg: TaskTermConfig = { kind: 'feature', depth, weight: 1 };
    const same = tf.tidy(() => taskTerm(cfg, { fake: real, real, net }).dataSync()[0]!);
    assert.equal(same, 0);
    const [a, b] = tf.tidy(() => {
      const phi = taskFeatureModel(net, layer);
      const fa = phi.predict(fake) as tf.Tensor;
      assert.deepEqual(fa.shape, shapes[depth]);
      return [fa.dataSync(), (phi.predict(real) as tf.Tensor).dataSync()];
    });
    const l1 = mean(Array.from(a!, (v, i) => Math.abs(v - b![i]!)));
    const l2 = mean(Array.from(a!, (v, i) => (v - b![i]!) ** 2));
    assert.ok(l1 > 1e-3);
    const got = tf.tidy(() => taskTerm(cfg, { fake, real, net }).dataSync()[0]!);
    assert.ok(Math.abs(got - l1) < 1e-5 * Math.max(1, l1), `${depth}: ${got} vs ${l1}`);
    const gotL2 = tf.tidy(() => featureTaskLoss(net, fake, real, layer, 'l2').dataSync()[0]!);
    assert.ok(Math.abs(gotL2 - l2) < 1e-5 * Math.max(1, l2));
  }
  tf.dispose([real, fake]);
  net.dispose();
});

test('every term\'s gradient reaches G\'s weights (weight × D_t), all finite', () => {
  const g = buildGenerator({ arch: 'unet', inChannels: 1, outChannels: 1, base: 4, depth: 2, seed: 1 });
  const f = buildSegmenter({ inChannels: 1, classes: 3, base: 4, depth: 2, seed: 2 });
  const x = blobImages(2, 32, 5);
  const real = tf.tidy(() => tf.sub(tf.mul(x, -2), -1) as tf.Tensor4D); // 1 − 2x: in [−1, 0.8]
  const labels = tf.tidy(() => tf.cast(tf.add(tf.greater(x, 0.4), tf.greater(x, 0.7)), 'int32').reshape([2, 32, 32]));
  const gVars = g.trainableWeights.map((w) => w.read() as tf.Variable);
  for (const kind of ['supervised', 'labelFree', 'feature', 'huThreshold'] as const) {
    for (const depth of kind === 'feature' ? (['shallow', 'deep'] as const) : ([undefined] as const)) {
      const cfg: TaskTermConfig = { kind, depth, weight: 2 };
      const { value, grads } = tf.variableGrads(() => tf.mul(taskTerm(cfg, { fake: g.apply(x) as tf.Tensor4D, real, labels, net: f }), cfg.weight) as tf.Scalar, gVars);
      const norms = Object.values(grads).map((t) => tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]!));
      assert.ok(Number.isFinite(value.dataSync()[0]!) && value.dataSync()[0]! > 0, `${kind} value`);
      assert.ok(norms.every(Number.isFinite), `${kind}: non-finite gradient`);
      assert.ok(norms.some((n) => n > 0), `${kind}${depth ? `/${depth}` : ''}: no gradient reaches G`);
      assert.equal(Object.keys(grads).length, gVars.length);
      tf.dispose([value, ...Object.values(grads)]);
    }
  }
  tf.dispose([x, real, labels]);
  g.dispose();
  f.dispose();
});

test('direct loss checks and config errors name the field', () => {
  const ce = tf.tidy(() => softmaxCrossEntropy(tf.zeros([1, 2, 2, 4]) as tf.Tensor4D, tf.zeros([1, 2, 2], 'int32') as tf.Tensor3D).dataSync()[0]!);
  assert.ok(Math.abs(ce - Math.log(4)) < 1e-6); // uniform logits: log K
  // Perfect, confident prediction: soft Dice loss → 0.
  const dice = tf.tidy(() => softDiceLoss(tf.mul(tf.oneHot(tf.tensor3d([0, 1, 1, 0], [1, 2, 2], 'int32'), 2), 50) as tf.Tensor4D, tf.tensor3d([0, 1, 1, 0], [1, 2, 2], 'int32')).dataSync()[0]!);
  assert.ok(dice < 1e-6);
  const err = (cfg: unknown, option: string) => assert.throws(() => validateTaskTermConfig(cfg as TaskTermConfig), (e: Error) => e instanceof ConfigError && e.option === option);
  err({ kind: 'supervise', weight: 1 }, 'task.term.kind');
  err({ kind: 'feature', weight: 0 }, 'task.term.weight');
  err({ kind: 'feature', weight: 1, depth: 'middle' }, 'task.term.depth');
  err({ kind: 'labelFree', weight: 1, divergence: 'js' }, 'task.term.divergence');
  const fake = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
  assert.throws(() => taskTerm({ kind: 'labelFree', weight: 1 }, { fake, real: fake }), (e: Error) => e instanceof ConfigError && e.option === 'task.net');
  assert.throws(() => taskTerm({ kind: 'huThreshold', weight: 1 }, { fake }), /needs real/);
  fake.dispose();
});
