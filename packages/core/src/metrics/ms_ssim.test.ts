import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's Node bundle registers no gradients; tfjs-layers' bundle registers them all.
import '@tensorflow/tfjs-layers';
import { ShapeError, ValueError } from '../errors.js';
import { MS_SSIM_WEIGHTS, msSsim } from './ms_ssim.js';
import { assertClose, patternPair } from './reference/pattern.js';
import { ssim } from './ssim.js';

before(async () => {
  await tf.setBackend('cpu');
});

// Reference values: ms_ssim() in
//   /usr/bin/python3 packages/core/src/metrics/reference/ssim_reference.py
// an independent float64 NumPy/SciPy implementation (gaussian_filter sigma 1.5, truncate 3.5,
// crop 5; 2x2 mean pooling dropping an odd last row/column; relu(v)^w product per channel,
// channel mean) whose per-scale SSIM is asserted equal to scikit-image 0.19.3's
// structural_similarity at every scale. Keys of its JSON output are named next to each number.
const TOL = 5e-6; // observed float32 error ~1e-6

test('matches the reference for 5 scales on odd-sized grey images and on RGB', () => {
  const [x, y] = patternPair(2, 181, 178, 1);
  // "msssim_2x181x178x1_range1"
  assertClose(msSsim(x, y, { dataRange: 1 }).dataSync(), [0.939291283052004, 0.9387295783727151], TOL, 'grey');
  const [xc, yc] = patternPair(1, 176, 180, 3);
  // "msssim_1x176x180x3_range1" (176 = 11 * 2^4, the smallest size 5 scales allow)
  assertClose(msSsim(xc, yc, { dataRange: 1 }).dataSync(), [0.8612366426030088], TOL, 'rgb');
  tf.dispose([x, y, xc, yc]);
});

test('fewer scales via weights work on small images; too-small images throw', () => {
  const [x, y] = patternPair(1, 48, 50, 2);
  // "msssim_1x48x50x2_range1_3scales"
  assertClose(msSsim(x, y, { dataRange: 1, weights: MS_SSIM_WEIGHTS.slice(0, 3) }).dataSync(), [0.9638057560538742], TOL, '3 scales');
  assert.throws(() => msSsim(x, y, { dataRange: 1 }), (e: unknown) => {
    assert.ok(e instanceof ShapeError);
    assert.match(e.message, /^msSsim: images must be at least 176x176, got 48x50/);
    return true;
  });
  // One scale is SSIM itself (weight 1).
  assertClose(msSsim(x, y, { dataRange: 1, weights: [1] }).dataSync(), ssim(x, y, { dataRange: 1 }).dataSync(), 1e-6, '1 scale');
  assert.throws(() => msSsim(x, y, { dataRange: 1, weights: [] }), ValueError);
  const before = tf.memory().numTensors;
  msSsim(x, y, { weights: [0.5, 0.5] }).dispose();
  assert.equal(tf.memory().numTensors, before, 'no leaked tensors');
  tf.dispose([x, y]);
});

test('identical images score 1; differentiable with a matching directional derivative', () => {
  const [x, y] = patternPair(1, 44, 44, 1);
  const weights = MS_SSIM_WEIGHTS.slice(0, 3);
  const f = (p: tf.Tensor): tf.Scalar => tf.sum(msSsim(p, y, { dataRange: 1, weights }));
  assertClose(msSsim(y, y, { dataRange: 1, weights }).dataSync(), [1], 1e-6, 'identical');
  const g = tf.grad(f)(x);
  assert.ok(g.dataSync().every(Number.isFinite));
  const g2 = tf.sum(tf.square(g)).dataSync()[0]!;
  const h = 0.01 / Math.sqrt(g2); // a step of length 0.01 along the gradient
  const numeric = (f(tf.add(x, tf.mul(g, h))).dataSync()[0]! - f(tf.sub(x, tf.mul(g, h))).dataSync()[0]!) / (2 * h);
  assert.ok(Math.abs(numeric - g2) / g2 < 1e-3, `directional derivative ${numeric} vs ${g2}`);
  tf.dispose([x, y, g]);
});

test('negative contrast-structure is clipped to 0 with a finite (zero) gradient', () => {
  const [x] = patternPair(1, 22, 22, 1);
  const neg = tf.sub(1, x); // anti-correlated: cs < 0 at the first scale
  const weights = [0.5, 0.5];
  assertClose(msSsim(x, neg, { dataRange: 1, weights }).dataSync(), [0], 0, 'clipped');
  const g = tf.grad((p: tf.Tensor) => tf.sum(msSsim(p, neg, { dataRange: 1, weights })))(x);
  assert.ok(g.dataSync().every((v) => v === 0));
  tf.dispose([x, neg, g]);
});
