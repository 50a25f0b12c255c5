import { test } from 'node:test';
import assert from 'node:assert/strict';
import { losses, tf, stopGradient } from '@lacuna/core';
import '@tensorflow/tfjs-backend-cpu';
import { entropy, informationMaximisation } from './entropy.js';
import { mixBatch } from './mixup.js';

// Source training's and distillation's losses are core's now.
const { klDivergence } = losses;
const smoothedCrossEntropy = (logits: tf.Tensor2D, labels: tf.Tensor1D, epsilon = 0.1) => losses.crossEntropy(logits, labels, { smoothing: epsilon });

await tf.setBackend('cpu');

const close = (a: number, b: number, tol = 1e-5, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);
const scalar = (t: tf.Tensor) => t.dataSync()[0]!;
const EPS = 1e-5;

test('entropy: −Σ p log(p + 1e-5) per row, hand-computed', () => {
  const h = entropy(tf.tensor2d([[0.5, 0.5], [1, 0], [0.25, 0.75]])).dataSync();
  close(h[0]!, -Math.log(0.5 + EPS), 1e-6, 'uniform of 2');
  close(h[1]!, -Math.log(1 + EPS), 1e-6, 'one-hot');
  close(h[2]!, -(0.25 * Math.log(0.25 + EPS) + 0.75 * Math.log(0.75 + EPS)), 1e-6, '(1/4, 3/4)');
});

test('information maximisation: mean entropy − entropy of the mean, hand-computed', () => {
  // Confident and diverse: mean entropy ≈ 0, marginal (1/2, 1/2) → IM ≈ −ln 2.
  close(scalar(informationMaximisation(tf.tensor2d([[1, 0], [0, 1]]))), -Math.log(1 + EPS) + Math.log(0.5 + EPS), 1e-6, 'diverse');
  // Confident but collapsed onto one class: both terms ≈ 0.
  close(scalar(informationMaximisation(tf.tensor2d([[1, 0], [1, 0]]))), 0, 1e-5, 'collapsed');
  // Uncertain rows, uniform marginal: the terms cancel.
  close(scalar(informationMaximisation(tf.tensor2d([[0.5, 0.5], [0.5, 0.5]]))), 0, 1e-6, 'uncertain');
  // (0.9, 0.1) and (0.3, 0.7): marginal (0.6, 0.4).
  const H = (p: number[]) => -p.reduce((s, v) => s + v * Math.log(v + EPS), 0);
  close(scalar(informationMaximisation(tf.tensor2d([[0.9, 0.1], [0.3, 0.7]]))), (H([0.9, 0.1]) + H([0.3, 0.7])) / 2 - H([0.6, 0.4]), 1e-6, 'mixed');
});

test('information maximisation with a class prior: mean entropy + KL(mean p ‖ prior), hand-computed', () => {
  const H = (p: number[]) => -p.reduce((s, v) => s + v * Math.log(v + EPS), 0);
  const rows = tf.tensor2d([[0.9, 0.1], [0.3, 0.7]]); // marginal (0.6, 0.4)
  const kl = 0.6 * (Math.log(0.6 + EPS) - Math.log(0.6)) + 0.4 * (Math.log(0.4 + EPS) - Math.log(0.4));
  // The prior equal to the marginal: the diversity term vanishes (up to ε).
  close(scalar(informationMaximisation(rows, EPS, [0.6, 0.4])), (H([0.9, 0.1]) + H([0.3, 0.7])) / 2 + kl, 1e-6, 'prior = marginal');
  // Prior (0.8, 0.2): KL(0.6, 0.4 ‖ 0.8, 0.2) = 0.6 ln(0.6/0.8) + 0.4 ln(0.4/0.2), by hand 0.1046.
  const kl2 = 0.6 * (Math.log(0.6 + EPS) - Math.log(0.8)) + 0.4 * (Math.log(0.4 + EPS) - Math.log(0.2));
  assert.ok(Math.abs(0.6 * Math.log(0.6 / 0.8) + 0.4 * Math.log(0.4 / 0.2) - 0.10464) < 1e-4);
  close(scalar(informationMaximisation(rows, EPS, [0.8, 0.2])), (H([0.9, 0.1]) + H([0.3, 0.7])) / 2 + kl2, 1e-6, 'prior (0.8, 0.2)');
  // A uniform prior is the plain loss plus log K.
  close(scalar(informationMaximisation(rows, EPS, [0.5, 0.5])), scalar(informationMaximisation(rows)) + Math.log(2), 1e-5, 'uniform prior');
  assert.throws(() => informationMaximisation(rows, EPS, [0.2, 0.3, 0.5]), /prior has 3 classes, the predictions 2/);
});

test('KL(target ‖ softmax(logits)), batch mean, 0·log 0 = 0; gradient (p − t)/B', () => {
  // logits (0, ln 2, 0) → softmax (1/4, 1/2, 1/4).
  const logits = tf.tensor2d([[0, Math.log(2), 0], [0, Math.log(2), 0]]);
  const target = tf.tensor2d([[0.7, 0.2, 0.1], [1, 0, 0]]);
  const row0 = 0.7 * Math.log(0.7 / 0.25) + 0.2 * Math.log(0.2 / 0.5) + 0.1 * Math.log(0.1 / 0.25);
  const row1 = Math.log(4);
  close(scalar(klDivergence(target, logits)), (row0 + row1) / 2, 1e-6, 'KL');
  close(scalar(klDivergence(tf.tensor2d([[0.25, 0.5, 0.25]]), tf.tensor2d([[0, Math.log(2), 0]]))), 0, 1e-6, 'KL(p‖p)');
  const g = tf.grad((z: tf.Tensor) => klDivergence(target, z as tf.Tensor2D))(logits).arraySync() as number[][];
  const p = [0.25, 0.5, 0.25];
  [[0.7, 0.2, 0.1], [1, 0, 0]].forEach((t, i) => t.forEach((tk, k) => close(g[i]![k]!, (p[k]! - tk) / 2, 1e-6, `grad ${i},${k}`)));
});

test('MixUp: λx + (1 − λ)x[π] and the same mix of the targets, which carry no gradient', () => {
  const x = tf.tensor4d([1, 2, 10, 20], [2, 1, 2, 1]); // two 1×2 images
  const probs = tf.tensor2d([[1, 0], [0.2, 0.8]]);
  const m = mixBatch(x, probs, 0.25, Int32Array.from([1, 0]));
  assert.deepEqual(Array.from(m.inputs.dataSync()), [0.25 * 1 + 0.75 * 10, 0.25 * 2 + 0.75 * 20, 0.25 * 10 + 0.75 * 1, 0.25 * 20 + 0.75 * 2]);
  const t = m.targets.dataSync();
  [0.25 + 0.75 * 0.2, 0.75 * 0.8, 0.25 * 0.2 + 0.75, 0.25 * 0.8].forEach((v, i) => close(t[i]!, v, 1e-6, `target ${i}`));
  // Gradient through the targets is zero; through the inputs it is λ + (1 − λ) per image.
  const gt = tf.grad((p: tf.Tensor) => tf.sum(mixBatch(x, p as tf.Tensor2D, 0.25, Int32Array.from([1, 0])).targets))(probs);
  assert.deepEqual(Array.from(gt.dataSync()), [0, 0, 0, 0]);
  const gx = tf.grad((v: tf.Tensor) => tf.sum(mixBatch(v as tf.Tensor4D, probs, 0.25, Int32Array.from([1, 0])).inputs))(x);
  assert.deepEqual(Array.from(gx.dataSync()), [1, 1, 1, 1]);
  assert.deepEqual(Array.from(tf.grad((v: tf.Tensor) => tf.sum(stopGradient(tf.mul(v, 3))))(tf.tensor1d([1, 2])).dataSync()), [0, 0]);
});

test('cross-entropy with label smoothing 0.1: targets 0.925 / 0.025, hand-computed', () => {
  // logits (ln 3, 0, 0, 0) → softmax (1/2, 1/6, 1/6, 1/6); label 0, ε = 0.1, K = 4.
  const l = smoothedCrossEntropy(tf.tensor2d([[Math.log(3), 0, 0, 0]]), tf.tensor1d([0], 'int32'), 0.1);
  close(scalar(l), -(0.925 * Math.log(0.5) + 0.075 * Math.log(1 / 6)), 1e-6, 'smoothed CE');
  // Uniform logits give ln K whatever the label and ε.
  close(scalar(smoothedCrossEntropy(tf.zeros([3, 4]) as tf.Tensor2D, tf.tensor1d([0, 2, 3], 'int32'))), Math.log(4), 1e-6, 'uniform');
  // ε = 0 is plain cross-entropy.
  close(scalar(smoothedCrossEntropy(tf.tensor2d([[Math.log(3), 0, 0, 0]]), tf.tensor1d([1], 'int32'), 0)), -Math.log(1 / 6), 1e-6, 'plain CE');
});
