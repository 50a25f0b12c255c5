import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { ShapeError, ValueError } from '../errors.js';
import { accuracy } from './accuracy.js';
import { confusionMatrix } from './confusion_matrix.js';
import { assertClose } from './reference/pattern.js';

before(async () => {
  await tf.setBackend('cpu');
});

test('accuracy from labels and from class scores', () => {
  // Per-element accuracy per sample: 2/3 and 1/3.
  const acc = accuracy(tf.tensor2d([[1, 2, 3], [0, 0, 0]], undefined, 'int32'), tf.tensor2d([[1, 2, 0], [0, 1, 2]], undefined, 'int32'));
  assertClose(acc.dataSync(), [2 / 3, 1 / 3], 1e-7, 'labels');
  // Scores [B, K]: argmax 1, 0, 2 against targets 1, 1, 2.
  const scores = tf.tensor2d([[0.1, 0.8, 0.1], [2, 1, 0], [-1, -2, 3]]);
  assertClose(accuracy(scores, tf.tensor1d([1, 1, 2], 'int32')).dataSync(), [1, 0, 1], 0, 'scores');
  assert.throws(() => accuracy(scores, tf.tensor1d([1, 1], 'int32')), ShapeError);
});

test('confusion matrix by hand: rows are the truth, columns the prediction', () => {
  const m = confusionMatrix([0, 1, 1, 2, 2, 2], [0, 1, 2, 2, 1, 0], 3);
  assert.deepEqual(m, [
    [1, 0, 1],
    [0, 1, 1],
    [0, 1, 1],
  ]);
  const t = confusionMatrix(tf.tensor2d([[1, 0]], undefined, 'int32'), tf.tensor2d([[1, 1]], undefined, 'int32'), 2);
  assert.deepEqual(t, [[0, 0], [1, 1]]);
  assert.throws(() => confusionMatrix([0, 3], [0, 1], 3), /confusionMatrix: pred label 3 at flat index 1/);
  assert.throws(() => confusionMatrix([0], [0, 1], 3), ShapeError);
  assert.throws(() => confusionMatrix([0], [0], 0), ValueError);
});
