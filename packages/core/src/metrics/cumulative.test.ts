import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { ShapeError, ValueError } from '../errors.js';
import { Cumulative } from './cumulative.js';

before(async () => {
  await tf.setBackend('cpu');
});

test('accumulates scalar metrics over batches: mean, sum, none, reset', () => {
  const c = new Cumulative();
  const batch = tf.tensor1d([1, 2]);
  c.append(batch);
  c.append([3]);
  c.append(6);
  assert.equal(c.count, 4);
  assert.deepEqual(c.aggregate('mean'), [3]);
  assert.deepEqual(c.aggregate(), [3]);
  assert.deepEqual(c.aggregate('sum'), [12]);
  assert.deepEqual(c.aggregate('none'), [[1], [2], [3], [6]]);
  assert.equal(batch.isDisposed, false); // the caller owns appended tensors
  c.reset();
  assert.equal(c.count, 0);
  assert.deepEqual(c.aggregate('none'), []);
  assert.throws(() => c.aggregate('mean'), /Cumulative.aggregate: nothing appended/);
  assert.throws(() => c.aggregate('max' as never), ValueError);
});

test('per-class rows average per column and skip NaN (empty-both dice)', () => {
  const c = new Cumulative();
  c.append(tf.tensor2d([[1, NaN], [0.5, 0.25]]));
  c.append([[0, NaN]]);
  assert.deepEqual(c.aggregate('mean'), [0.5, 0.25]);
  assert.deepEqual(c.aggregate('sum'), [1.5, 0.25]);
  c.append([[NaN, NaN]]);
  assert.deepEqual(c.aggregate('mean'), [0.5, 0.25]);
  assert.throws(() => c.append([1, 2]), ShapeError);
  const allNan = new Cumulative();
  allNan.append([NaN]);
  assert.ok(Number.isNaN(allNan.aggregate('mean')[0]));
});
