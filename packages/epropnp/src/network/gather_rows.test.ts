import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { initBackend, tf } from '@lacuna/core';
import { gatherRows } from './gather_rows.js';

before(async () => {
  await initBackend();
});

test('gatherRows picks rows and its gradient sums the upstream rows back (duplicates add up)', () => {
  const x = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
  const rows = Int32Array.of(2, 0, 2);
  assert.deepEqual(gatherRows(x, rows).arraySync(), [[5, 6], [1, 2], [5, 6]]);
  const w = tf.tensor2d([[1, 10], [100, 1000], [2, 20]]);
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gatherRows(t as tf.Tensor2D, rows), w)))(x);
  assert.deepEqual(g.arraySync(), [[100, 1000], [0, 0], [3, 30]]);
  assert.throws(() => gatherRows(x, Int32Array.of(3)), /out of range/);
});
