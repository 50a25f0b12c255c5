import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { tf, initBackend, metrics, ValueError } from '@lacuna/core';
import { numericGrad, relMaxError, sampleIndices } from '@lacuna/core/testing';
import { blobImages } from '../synthesis/toy_pairs.js';
import { msSsimLoss, msSsimScalesThatFit, ssimLoss } from './structural.js';

before(async () => {
  await initBackend();
});

const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);
const value = (t: tf.Tensor) => t.dataSync()[0]!;

test('ssimLoss is 0 for identical images and 1 − mean SSIM otherwise', () => {
  const x = blobImages(2, 24, 1);
  const y = tf.add(x, tf.randomNormal(x.shape, 0, 0.1, 'float32', 2));
  close(value(ssimLoss(x, x, { dataRange: 1 })), 0);
  const want = 1 - tf.mean(metrics.ssim(y, x, { dataRange: 1 })).dataSync()[0]!;
  close(value(ssimLoss(y, x, { dataRange: 1 })), want);
  assert.ok(want > 0.1, `noisy images should score well below 1 (loss ${want})`);
});

test('masked SSIM averages the map over window centres in the mask', () => {
  const x = blobImages(1, 20, 3);
  const y = tf.add(x, tf.randomNormal(x.shape, 0, 0.1, 'float32', 4));
  // Window 7 → map [1, 14, 14, 1] for centres 3..16. Mask: rows 5..9, all columns.
  const maskData = new Float32Array(20 * 20);
  for (let r = 5; r < 10; r++) for (let c = 0; c < 20; c++) maskData[r * 20 + c] = 1;
  const mask = tf.tensor4d(maskData, [1, 20, 20, 1]);
  const map = metrics.ssimMap(y, x, { dataRange: 1, windowSize: 7 }).arraySync()[0]!;
  let sum = 0;
  let n = 0;
  for (let r = 5; r < 10; r++) for (let c = 3; c < 17; c++) { sum += map[r - 3]![c - 3]![0]!; n++; }
  close(value(ssimLoss(y, x, { dataRange: 1, windowSize: 7, mask })), 1 - sum / n);
  close(value(ssimLoss(y, x, { dataRange: 1, windowSize: 7, mask: tf.onesLike(x) })), value(ssimLoss(y, x, { dataRange: 1, windowSize: 7 })));
});

test('MS-SSIM scale count: the most that fit, 1..5', () => {
  assert.equal(msSsimScalesThatFit(32), 2); // 11·2 = 22 ≤ 32 < 44
  assert.equal(msSsimScalesThatFit(44), 3);
  assert.equal(msSsimScalesThatFit(176), 5);
  assert.equal(msSsimScalesThatFit(1000), 5);
  assert.equal(msSsimScalesThatFit(32, 7), 3); // 28 ≤ 32
  assert.throws(() => msSsimScalesThatFit(10), ValueError);
});

test('msSsimLoss: 1 scale is the SSIM loss; 2 scales use the first two standard weights renormalised', () => {
  const x = blobImages(2, 32, 5);
  const y = tf.add(tf.mul(x, 0.8), tf.randomNormal(x.shape, 0.05, 0.05, 'float32', 6));
  close(value(msSsimLoss(y, x, { dataRange: 1, scales: 1 })), value(ssimLoss(y, x, { dataRange: 1 })));
  const [w0, w1] = metrics.MS_SSIM_WEIGHTS as [number, number];
  const want = 1 - tf.mean(metrics.msSsim(y, x, { dataRange: 1, weights: [w0 / (w0 + w1), w1 / (w0 + w1)] })).dataSync()[0]!;
  close(value(msSsimLoss(y, x, { dataRange: 1 })), want); // 32×32 → 2 scales by default
  close(value(msSsimLoss(x, x, { dataRange: 1 })), 0);
  assert.throws(() => msSsimLoss(y, x, { dataRange: 1, scales: 6 }), /scales must be an integer in 1\.\.5/);
});

test('masked MS-SSIM ignores differences outside the mask', () => {
  const x = blobImages(1, 32, 7);
  const inside = tf.concat([tf.ones([1, 16, 32, 1]), tf.zeros([1, 16, 32, 1])], 1);
  const garbageOutside = tf.add(x, tf.mul(tf.sub(1, inside), tf.randomNormal(x.shape, 0, 0.5, 'float32', 8)));
  close(value(msSsimLoss(garbageOutside, x, { dataRange: 1, mask: inside })), 0);
  assert.ok(value(msSsimLoss(garbageOutside, x, { dataRange: 1 })) > 0.05);
});

test('SSIM and MS-SSIM loss gradients match central finite differences', () => {
  const x = blobImages(1, 16, 9);
  const y = tf.add(tf.mul(x, 0.9), tf.randomNormal(x.shape, 0, 0.05, 'float32', 10));
  const idx = sampleIndices(y.size, 10);
  for (const [name, f] of [
    ['ssim', (p: tf.Tensor) => ssimLoss(p, x, { dataRange: 1, windowSize: 7 })],
    ['ms-ssim', (p: tf.Tensor) => msSsimLoss(p, x, { dataRange: 1, windowSize: 7, scales: 2 })],
  ] as const) {
    const analytic = tf.grad((p: tf.Tensor) => f(p))(y).dataSync();
    const numeric = numericGrad((p) => f(p), [y], 0, idx, 1e-2);
    const err = relMaxError(idx.map((i) => analytic[i]!), numeric);
    assert.ok(err < 3e-2, `${name}: relative error ${err}`);
  }
});
