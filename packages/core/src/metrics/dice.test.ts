import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { ShapeError, ValueError } from '../errors.js';
import { dice } from './dice.js';
import { assertClose } from './reference/pattern.js';

before(async () => {
  await tf.setBackend('cpu');
});

// Sample 0, worked by hand over K = 4 classes:
//   pred   [[0 1 1]    target [[0 1 0]
//           [2 2 0]]           [2 1 0]]
//   class 0: |P| = 2, |T| = 3, |P∩T| = 2 -> 4/5
//   class 1: |P| = 2, |T| = 2, |P∩T| = 1 -> 2/4
//   class 2: |P| = 2, |T| = 1, |P∩T| = 1 -> 2/3
//   class 3: absent from both -> emptyValue
// Sample 1: pred all 3, target all 0 -> class 0: 0, class 3: 0, classes 1 and 2 empty.
const predLabels = [[[0, 1, 1], [2, 2, 0]], [[3, 3, 3], [3, 3, 3]]];
const targetLabels = [[[0, 1, 0], [2, 1, 0]], [[0, 0, 0], [0, 0, 0]]];
const expected = [0.8, 0.5, 2 / 3, 1, 0, 1, 1, 0];

test('dice of tiny label maps, per sample and class', () => {
  const d = dice(tf.tensor3d(predLabels, undefined, 'int32'), tf.tensor3d(targetLabels, undefined, 'int32'), { numClasses: 4 });
  assert.deepEqual(d.shape, [2, 4]);
  assertClose(d.dataSync(), expected, 1e-6, 'dice');
});

test('one-hot inputs give the same scores; empty-both can be NaN', () => {
  const p = tf.oneHot(tf.tensor3d(predLabels, undefined, 'int32'), 4);
  const t = tf.oneHot(tf.tensor3d(targetLabels, undefined, 'int32'), 4);
  assertClose(dice(p, t).dataSync(), expected, 1e-6, 'one-hot');
  const nan = dice(p, t, { emptyValue: NaN }).dataSync();
  assert.ok(Number.isNaN(nan[3]!) && Number.isNaN(nan[5]!) && Number.isNaN(nan[6]!));
  assertClose([nan[0]!, nan[4]!], [0.8, 0], 1e-6, 'non-empty');
  // Soft inputs give the soft Dice: 2·0.5 / (0.5 + 1) for a single pixel.
  assertClose(dice(tf.tensor2d([[0.5]]), tf.tensor2d([[1]])).dataSync(), [2 / 3], 1e-6, 'soft');
});

test('dice validates labels and shapes', () => {
  const t = tf.tensor2d([[0, 1]], undefined, 'int32');
  assert.throws(() => dice(tf.tensor2d([[0, 4]], undefined, 'int32'), t, { numClasses: 4 }), /dice pred: label 4 at flat index 1 is not an integer in 0..3/);
  assert.throws(() => dice(tf.tensor2d([[0, 0.5]]), t, { numClasses: 2 }), ValueError);
  assert.throws(() => dice(tf.tensor2d([[0, 1, 1]], undefined, 'int32'), t, { numClasses: 2 }), ShapeError);
  assert.throws(() => dice(t, t, { numClasses: 0 }), /numClasses must be a positive integer/);
});

test('dice from label maps on the wasm backend (its float32 OneHot is broken in tfjs 4.22)', async () => {
  const { initBackend } = await import('../backend/node.js');
  await initBackend({ backend: 'wasm', threads: 1 });
  try {
    const pred = tf.tensor3d([[[0, 1, 1], [2, 2, 0]]], [1, 2, 3]);
    const target = tf.tensor3d([[[0, 1, 0], [2, 1, 0]]], [1, 2, 3]);
    assertClose(dice(pred, target, { numClasses: 3 }).dataSync(), [4 / 5, 2 / 4, 2 / 3], 1e-6, 'wasm dice');
  } finally {
    await tf.setBackend('cpu');
  }
});
