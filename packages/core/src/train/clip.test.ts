import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { clipByGlobalNorm, globalNorm } from './clip.js';

await tf.setBackend('cpu');

test('globalNorm is the 2-norm of all gradients together', () => {
  assert.ok(Math.abs(globalNorm([tf.tensor1d([3, 4]), tf.tensor2d([[12]])]).dataSync()[0]! - 13) < 1e-6);
  assert.equal(globalNorm([]).dataSync()[0], 0);
});

test('clipByGlobalNorm scales by maxNorm/(norm + 1e-6) when above, as torch clip_grad_norm_', () => {
  const before = tf.memory().numTensors;
  const g = [tf.tensor1d([3, 4]), tf.tensor1d([12])]; // norm 13
  const { grads, norm } = clipByGlobalNorm(g, 6.5);
  assert.ok(Math.abs(norm.dataSync()[0]! - 13) < 1e-6);
  const coef = 6.5 / (13 + 1e-6);
  const got = grads.flatMap((t) => Array.from(t.dataSync()));
  [3 * coef, 4 * coef, 12 * coef].forEach((v, i) => assert.ok(Math.abs(got[i]! - v) < 1e-6, `${got[i]} vs ${v}`));
  tf.dispose([...g, ...grads, norm]);
  assert.equal(tf.memory().numTensors, before);
});

test('clipByGlobalNorm leaves small gradients alone and keeps map keys', () => {
  const { grads, norm } = clipByGlobalNorm({ a: tf.tensor1d([0.3]), b: tf.tensor1d([0.4]) }, 1);
  assert.deepEqual(Object.keys(grads), ['a', 'b']);
  assert.ok(Math.abs(grads['a']!.dataSync()[0]! - 0.3) < 1e-7);
  assert.ok(Math.abs(grads['b']!.dataSync()[0]! - 0.4) < 1e-7);
  assert.ok(Math.abs(norm.dataSync()[0]! - 0.5) < 1e-7);
  assert.throws(() => clipByGlobalNorm([], 0), /clipByGlobalNorm: maxNorm/);
});
