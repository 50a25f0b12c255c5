import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's Node bundle registers no gradients; tfjs-layers' bundle registers them all.
import '@tensorflow/tfjs-layers';
import { ShapeError, ValueError } from '../errors.js';
import { mae, mse } from './mean_error.js';
import { psnr } from './psnr.js';
import { assertClose, patternPair } from './reference/pattern.js';

before(async () => {
  await tf.setBackend('cpu');
});

const pred = (): tf.Tensor2D => tf.tensor2d([[1, 2, 3], [0, 0, 0]]);
const target = (): tf.Tensor2D => tf.tensor2d([[1, 1, 1], [1, -1, 0]]);

test('mae and mse per sample, by hand', () => {
  assertClose(mae(pred(), target()).dataSync(), [1, 2 / 3], 1e-7, 'mae');
  assertClose(mse(pred(), target()).dataSync(), [5 / 3, 2 / 3], 1e-7, 'mse');
  // Rank > 2 and integer inputs are averaged over every non-batch axis.
  assertClose(mse(tf.ones([2, 2, 2, 1], 'int32'), tf.zeros([2, 2, 2, 1], 'int32')).dataSync(), [1, 1], 0, 'int');
  assert.throws(() => mae(pred(), tf.zeros([2, 4])), ShapeError);
});

test('mae and mse are differentiable with the textbook gradients', () => {
  const p = pred();
  const t = target();
  const gMse = tf.grad((x: tf.Tensor) => tf.sum(mse(x, t)))(p);
  assertClose(gMse.dataSync(), [0, 2 / 3, 4 / 3, -2 / 3, 2 / 3, 0], 1e-6, 'd mse'); // 2 (p − t) / 3
  // Away from the kink at p = t (where tfjs's |x| subgradient is −1):
  const t2 = tf.tensor2d([[0.5, 1, 1], [1, -1, 0.5]]);
  const gMae = tf.grad((x: tf.Tensor) => tf.sum(mae(x, t2)))(p);
  assertClose(gMae.dataSync(), [1 / 3, 1 / 3, 1 / 3, -1 / 3, 1 / 3, -1 / 3], 1e-6, 'd mae'); // sign(p − t) / 3
});

test('psnr of a known MSE, default data range, identical images', () => {
  // MSE 0.01 with data range 1: 10 log10(1 / 0.01) = 20 dB.
  const t = tf.tensor4d([0, 0.5, 1, 0.5], [1, 2, 2, 1]);
  const p = tf.add(t, 0.1);
  assertClose(psnr(p, t, { dataRange: 1 }).dataSync(), [20], 1e-4, 'psnr');
  // Default range: max − min of the target sample (1 here).
  assertClose(psnr(p, t).dataSync(), [20], 1e-4, 'default range');
  // 8-bit: every pixel off by one -> MSE 1 -> 10 log10(255²) = 48.1308 dB.
  const t8 = tf.tensor2d([[0, 255, 7], [3, 4, 5]]);
  assertClose(psnr(tf.add(t8, 1), t8, { dataRange: 255 }).dataSync(), [48.1308036, 48.1308036], 1e-4, '8-bit');
  assert.equal(psnr(t, t, { dataRange: 1 }).dataSync()[0], Infinity);
  assert.throws(() => psnr(t, tf.onesLike(t)), /psnr: dataRange not given and target sample 0 has range 0/);
  assert.throws(() => psnr(p, t, { dataRange: -1 }), ValueError);
});

test('psnr matches scikit-image peak_signal_noise_ratio', () => {
  const [x, y] = patternPair(2, 24, 20, 3);
  // "psnr_2x24x20x3_range1" from reference/ssim_reference.py (scikit-image 0.19.3)
  assertClose(psnr(x, y, { dataRange: 1 }).dataSync(), [20.63938617411155, 19.79620059705869], 1e-4, 'psnr');
  tf.dispose([x, y]);
});
