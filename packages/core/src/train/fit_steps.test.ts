import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { fitSteps } from './fit_steps.js';

await tf.setBackend('cpu');

test('fitSteps reads the losses (every step with onStep, else the last), disposes them and its optimizers, also on an error', () => {
  let disposed = 0;
  const opt = { dispose: () => void disposed++ };
  const before = tf.memory().numTensors;
  const seen: number[] = [];
  const last = fitSteps({ steps: 4, step: (s) => tf.scalar(10 - s), dispose: [opt], onStep: (s, l) => seen.push(s, l['loss']!) });
  assert.deepEqual(seen, [0, 10, 1, 9, 2, 8, 3, 7]);
  assert.deepEqual(last, { loss: 7 });
  assert.equal(tf.memory().numTensors, before, 'every loss tensor is disposed');
  assert.deepEqual(fitSteps({ steps: 3, step: (s) => ({ a: tf.scalar(s), b: tf.scalar(2 * s) }) }), { a: 2, b: 4 });
  assert.deepEqual(fitSteps({ steps: 0, step: () => tf.scalar(1) }), {});
  assert.throws(() => fitSteps({ steps: 2, step: () => { throw new Error('boom'); }, dispose: [opt] }), /boom/);
  assert.equal(disposed, 2, 'optimizers are disposed after a normal end and after an error');
  assert.throws(() => fitSteps({ steps: -1, step: () => tf.scalar(0) }), /steps must be a non-negative integer/);
});
