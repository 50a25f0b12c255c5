import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { tf, initBackend, ShapeError } from '@lacuna/core';
import { numericGrad, relMaxError, sampleIndices } from '@lacuna/core/testing';
import { l1Loss, mseLoss } from './reconstruction.js';

before(async () => {
  await initBackend();
});

const close = (a: number, b: number, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('L1 and MSE equal hand-computed means, without and with a mask', () => {
  const pred = tf.tensor4d([0, 1, 2, 3], [1, 2, 2, 1]);
  const target = tf.ones([1, 2, 2, 1]);
  const mask = tf.tensor4d([1, 1, 0, 0], [1, 2, 2, 1]);
  // |d| = 1, 0, 1, 2; d² = 1, 0, 1, 4.
  close(l1Loss(pred, target).dataSync()[0]!, 1);
  close(mseLoss(pred, target).dataSync()[0]!, 1.5);
  // Over the mask's two pixels: (1 + 0) / 2 for both.
  close(l1Loss(pred, target, { mask }).dataSync()[0]!, 0.5);
  close(mseLoss(pred, target, { mask }).dataSync()[0]!, 0.5);
  // A soft mask weights pixels: (0.5·1 + 1·2) / 1.5.
  close(l1Loss(pred, target, { mask: tf.tensor4d([0, 0, 0.5, 1], [1, 2, 2, 1]) }).dataSync()[0]!, 2.5 / 1.5);
});

test('a one-channel mask broadcasts over channels and averages over mask pixels × channels', () => {
  // Two channels, two samples; mask keeps pixel 0 of sample 0 and pixels 1, 2 of sample 1.
  const pred = tf.tensor4d([1, 10, 0, 0, 0, 0, 0, 0, /* sample 1 */ 0, 0, 2, 4, 6, 8, 0, 0], [2, 2, 2, 2]);
  const target = tf.zeros([2, 2, 2, 2]);
  const mask = tf.tensor4d([1, 0, 0, 0, 0, 1, 1, 0], [2, 2, 2, 1]);
  close(l1Loss(pred, target, { mask }).dataSync()[0]!, (1 + 10 + 2 + 4 + 6 + 8) / 6);
  close(mseLoss(pred, target, { mask }).dataSync()[0]!, (1 + 100 + 4 + 16 + 36 + 64) / 6, 1e-4);
  // A per-channel mask equal to the broadcast one gives the same value.
  const full = tf.tile(mask, [1, 1, 1, 2]);
  close(l1Loss(pred, target, { mask: full }).dataSync()[0]!, (1 + 10 + 2 + 4 + 6 + 8) / 6);
});

test('gradients match central finite differences (masked and unmasked)', () => {
  const pred = tf.randomNormal([2, 4, 4, 2], 0, 1, 'float32', 11);
  const target = tf.randomNormal([2, 4, 4, 2], 0, 1, 'float32', 12);
  const mask = tf.cast(tf.greater(tf.randomUniform([2, 4, 4, 1], 0, 1, 'float32', 13), 0.4), 'float32');
  const idx = sampleIndices(pred.size, 12);
  for (const [name, f] of [
    ['l1', (p: tf.Tensor) => l1Loss(p, target)],
    ['mse', (p: tf.Tensor) => mseLoss(p, target)],
    ['l1 masked', (p: tf.Tensor) => l1Loss(p, target, { mask })],
    ['mse masked', (p: tf.Tensor) => mseLoss(p, target, { mask })],
  ] as const) {
    const analytic = tf.grad((p: tf.Tensor) => f(p))(pred).dataSync();
    const numeric = numericGrad((p) => f(p), [pred], 0, idx, 1e-3);
    const err = relMaxError(idx.map((i) => analytic[i]!), numeric);
    assert.ok(err < 2e-2, `${name}: relative error ${err}`);
  }
  // Outside the mask the gradient is exactly 0.
  const g = tf.grad((p: tf.Tensor) => l1Loss(p, target, { mask }))(pred).dataSync();
  const m = mask.dataSync();
  for (let i = 0; i < g.length; i++) if (m[Math.floor(i / 2)] === 0) assert.equal(Math.abs(g[i]!), 0);
});

test('shape errors name the function', () => {
  assert.throws(() => l1Loss(tf.zeros([1, 4, 4, 1]), tf.zeros([1, 4, 4, 2])), (e: Error) => e instanceof ShapeError && /l1Loss/.test(e.message));
  assert.throws(() => mseLoss(tf.zeros([1, 4, 4, 2]), tf.zeros([1, 4, 4, 2]), { mask: tf.ones([1, 4, 4, 3]) }), /mseLoss: mask must be/);
});
