import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's Node bundle registers no gradients; tfjs-layers' bundle registers them all.
import '@tensorflow/tfjs-layers';
import { ShapeError, ValueError } from '../errors.js';
import { assertClose, patternPair } from './reference/pattern.js';
import { gaussianWindow, ssim, ssimMap } from './ssim.js';

before(async () => {
  await tf.setBackend('cpu');
});

// Reference values: scikit-image 0.19.3 structural_similarity(x, y, gaussian_weights=True,
// sigma=..., use_sample_covariance=False, data_range=..., channel_axis=-1), per sample, on
// patternPair() images. Produced by
//   /usr/bin/python3 packages/core/src/metrics/reference/ssim_reference.py
// (keys of its JSON output are named next to each number). float32 here vs float64 there:
// means agree to ~1e-6, single map entries to ~6e-6 (variance by E[x²] − E[x]² in float32).
const TOL = 5e-6;
const TOL_MAP = 2e-5;

test('matches scikit-image on RGB images, data range 1', () => {
  const [x, y] = patternPair(2, 24, 20, 3);
  // "ssim_2x24x20x3_range1"
  assertClose(ssim(x, y, { dataRange: 1 }).dataSync(), [0.7166674321262912, 0.65484978498045], TOL, 'ssim');
  tf.dispose([x, y]);
});

test('the map is scikit-image full map cropped by (win-1)/2, and ssim is its mean', () => {
  const [x, y] = patternPair(2, 24, 20, 3);
  const map = ssimMap(x, y, { dataRange: 1 });
  assert.deepEqual(map.shape, [2, 14, 10, 3]);
  // "ssim_map_sample1_at": S[i + 5, j + 5, c] of sample 1
  const m = map.arraySync();
  assertClose(
    [m[1]![0]![0]![0]!, m[1]![3]![7]![1]!, m[1]![13]![9]![2]!],
    [0.7236365266749462, 0.7213465214422194, 0.9175042446079087],
    TOL_MAP,
    'map',
  );
  assertClose(tf.mean(map, [1, 2, 3]).dataSync(), ssim(x, y, { dataRange: 1 }).dataSync(), 1e-6, 'mean of map');
  tf.dispose([x, y, map]);
});

test('matches scikit-image with data range 255, a per-sample target range, and sigma 1 / window 9', () => {
  const [x1, y1] = patternPair(1, 16, 16, 1);
  const [x255, y255] = [tf.mul(x1, 255), tf.mul(y1, 255)];
  // "ssim_1x16x16x1_range255"
  assertClose(ssim(x255, y255, { dataRange: 255 }).dataSync(), [0.7875423115635126], TOL, 'range 255');
  const [x2, y2] = patternPair(2, 13, 17, 1);
  // "ssim_2x13x17x1_targetrange": data_range = y.max() - y.min() of each sample
  assertClose(ssim(x2, y2).dataSync(), [0.7563924541958855, 0.7602621182077465], TOL, 'target range');
  const [x3, y3] = patternPair(1, 20, 22, 2);
  // "ssim_1x20x22x2_sigma1_win9": skimage's window for sigma 1 has 2*int(3.5+0.5)+1 = 9 taps
  assertClose(ssim(x3, y3, { dataRange: 1, sigma: 1, windowSize: 9 }).dataSync(), [0.5555180142151317], TOL, 'sigma 1');
  tf.dispose([x1, y1, x255, y255, x2, y2, x3, y3]);
});

test('identical images score 1; window taps are scipy-normalised Gaussians', () => {
  const [x] = patternPair(1, 12, 12, 1);
  assertClose(ssim(x, x, { dataRange: 1 }).dataSync(), [1], 1e-6, 'identical');
  const g = gaussianWindow(11, 1.5);
  assertClose([g.reduce((a, b) => a + b, 0)], [1], 1e-6, 'window sum');
  // scipy.ndimage._gaussian_kernel1d(1.5, 0, 5)[5] = 0.26601172...
  assertClose([g[5]!], [0.2660117248], 1e-7, 'centre tap');
  x.dispose();
});

test('differentiable: gradient ascent on pred raises SSIM; directional derivative matches', () => {
  const [x, y] = patternPair(1, 16, 16, 2);
  const f = (p: tf.Tensor): tf.Scalar => tf.sum(ssim(p, y, { dataRange: 1 }));
  const g = tf.grad(f)(x);
  assert.deepEqual(g.shape, x.shape);
  assert.ok(g.dataSync().every(Number.isFinite));
  // f(x + h g) - f(x - h g) ≈ 2 h |g|²
  const h = 0.01 / Math.sqrt(tf.sum(tf.square(g)).dataSync()[0]!); // a step of length 0.01
  const up = f(tf.add(x, tf.mul(g, h))).dataSync()[0]!;
  const down = f(tf.sub(x, tf.mul(g, h))).dataSync()[0]!;
  const g2 = tf.sum(tf.square(g)).dataSync()[0]!;
  const numeric = (up - down) / (2 * h);
  assert.ok(up > f(x).dataSync()[0]!, 'ascent step increases SSIM');
  assert.ok(Math.abs(numeric - g2) / g2 < 1e-3, `directional derivative ${numeric} vs ${g2}`);
  tf.dispose([x, y, g]);
});

test('does not leak tensors and validates its inputs', () => {
  const [x, y] = patternPair(1, 12, 12, 1);
  const before = tf.memory().numTensors;
  const s = ssim(x, y, { dataRange: 1 });
  assert.equal(tf.memory().numTensors, before + 1);
  s.dispose();
  assert.throws(() => ssim(x, y, { windowSize: 13, dataRange: 1 }), ShapeError);
  assert.throws(() => ssim(x, y, { windowSize: 4, dataRange: 1 }), /ssim: windowSize must be an odd/);
  assert.throws(() => ssim(x, y, { dataRange: 0 }), ValueError);
  assert.throws(() => ssim(x, tf.zerosLike(y)), /ssim: dataRange not given and target sample 0 has range 0/);
  assert.throws(() => ssim(x, tf.zeros([1, 12, 11, 1])), ShapeError);
  assert.throws(() => ssim(tf.reshape(x, [12, 12, 1]), tf.reshape(y, [12, 12, 1])), /ssim pred: expected shape \[B, H, W, C\]/);
  tf.dispose([x, y]);
});
