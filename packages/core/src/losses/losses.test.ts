import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '../tfjs_registrations.js'; // registers the gradients
import '@tensorflow/tfjs-backend-cpu';
import { bceWithLogits, crossEntropy, klDivergence, softDiceLoss } from './index.js';

await tf.setBackend('cpu');
const close = (a: number, b: number, tol = 1e-6, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);
const value = (t: tf.Tensor) => t.dataSync()[0]!;

test('crossEntropy: plain, label-smoothed and class-weighted, against hand-computed values', () => {
  // Logits [ln 3, 0, 0, 0]: p = [1/2, 1/6, 1/6, 1/6].
  const z = tf.tensor2d([[Math.log(3), 0, 0, 0], [0, 0, 0, 0]]);
  const y = tf.tensor1d([0, 2], 'int32');
  close(value(crossEntropy(z, y)), (Math.log(2) + Math.log(4)) / 2, 1e-6, 'plain');
  // ε = 0.1: target 0.925 on the label and 0.025 elsewhere.
  const row0 = -(0.925 * Math.log(1 / 2) + 3 * 0.025 * Math.log(1 / 6));
  close(value(crossEntropy(z, y, { smoothing: 0.1 })), (row0 + Math.log(4)) / 2, 1e-6, 'smoothed');
  // Weights [3, 0, 1, 0]: (3 ln 2 + 1 ln 4) / 4.
  close(value(crossEntropy(z, y, { classWeights: [3, 0, 1, 0] })), (3 * Math.log(2) + Math.log(4)) / 4, 1e-6, 'weighted');
  assert.throws(() => crossEntropy(z, tf.tensor1d([0, 1, 2], 'int32')), /logits \[\.\.\., K\] and labels \[\.\.\.\] disagree/);
  assert.throws(() => crossEntropy(z, y, { classWeights: [1, 1] }), /classWeights must be 4 non-negative numbers/);
});

test('bceWithLogits: the stable form, and its gradient sigma(x) - z', () => {
  const x = tf.tensor1d([-30, -1, 0, 2, 40]);
  const z = tf.tensor1d([0, 1, 0.5, 0, 1]);
  const got = bceWithLogits(x, z).dataSync();
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  [-30, -1, 0, 2, 40].forEach((v, i) => {
    const t = [0, 1, 0.5, 0, 1][i]!;
    const expected = Math.max(v, 0) - v * t + Math.log1p(Math.exp(-Math.abs(v)));
    close(got[i]!, expected, 1e-5, `value at ${v}`);
  });
  const g = tf.grad((a: tf.Tensor) => tf.sum(bceWithLogits(a, z)))(x).dataSync();
  [-30, -1, 0, 2, 40].forEach((v, i) => close(g[i]!, sig(v) - [0, 1, 0.5, 0, 1][i]!, 1e-6, `gradient at ${v}`));
});

test('klDivergence: batch mean of sum t (log t - log softmax z); zero at equal distributions', () => {
  const t = tf.tensor2d([[0.5, 0.5, 0], [0.25, 0.5, 0.25]]);
  const z = tf.tensor2d([[0, 0, 0], [0, Math.log(2), 0]]);
  const row0 = 0.5 * Math.log(0.5 / (1 / 3)) * 2;
  close(value(klDivergence(t, z)), row0 / 2, 1e-6, 'KL');
  // Row weights: row 0 alone (weight 1), still over the batch of 2; row 1 alone is 0 (t = softmax z).
  close(value(klDivergence(t, z, tf.tensor1d([1, 0]))), row0 / 2, 1e-6, 'KL row 0');
  close(value(klDivergence(t, z, tf.tensor1d([0, 1]))), 0, 1e-6, 'KL row 1');
});

test('softDiceLoss: pooled over the batch, on metrics.dice with smoothing', () => {
  // Two pixels, two classes: p = [[0.8, 0.2], [0.4, 0.6]], t = [[1, 0], [0, 1]].
  const p = tf.tensor4d([0.8, 0.2, 0.4, 0.6], [1, 1, 2, 2]);
  const t = tf.tensor4d([1, 0, 0, 1], [1, 1, 2, 2]);
  const d0 = (2 * 0.8 + 1e-5) / (1.2 + 1 + 1e-5), d1 = (2 * 0.6 + 1e-5) / (0.8 + 1 + 1e-5);
  close(value(softDiceLoss(p, t)), 1 - (d0 + d1) / 2, 1e-6, 'soft Dice');
  // A class absent from both prediction and target counts as perfect.
  close(value(softDiceLoss(tf.tensor2d([[1, 0]]), tf.tensor2d([[1, 0]]))), 0, 1e-6, 'empty class');
});
