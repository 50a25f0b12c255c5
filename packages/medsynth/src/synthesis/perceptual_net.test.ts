import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { tf, initBackend, ValueError } from '@lacuna/core';
import { numericGrad, relMaxError } from '@lacuna/core/testing';
import { perceptualLoss } from '../losses/perceptual.js';
import { buildPerceptualNet, denoisingLoss, PERCEPTUAL_LAYERS, trainPerceptualNet } from './perceptual_net.js';
import { blobImages } from './toy_pairs.js';

before(async () => {
  await initBackend();
});

let net: ReturnType<typeof trainPerceptualNet>;
const trainImages = () => blobImages(32, 32, 1);
const heldOut = () => blobImages(8, 32, 2);

test('training the denoising autoencoder lowers its held-out loss at least 3×, then freezes it', () => {
  const images = trainImages();
  const val = heldOut();
  const untrained = buildPerceptualNet({ channels: 1, seed: 5 }); // the weights training starts from
  const before = denoisingLoss(untrained, val);
  const curve: number[] = [];
  net = trainPerceptualNet(images, { steps: 150, seed: 5, onStep: (_s, l) => curve.push(l) });
  const after = denoisingLoss(net, val);
  assert.equal(curve.length, 150);
  assert.ok(after < before / 3, `held-out denoising MSE ${before.toFixed(5)} → ${after.toFixed(5)}`);
  // Noise σ = 0.1 × range (0.9): a useful denoiser beats returning the noisy input (MSE σ² ≈ 0.0081).
  assert.ok(after < 0.1 * 0.1 * 0.9 * 0.9, `after ${after}`);
  assert.equal(net.trainableWeights.length, 0);
  assert.deepEqual(PERCEPTUAL_LAYERS.map((n) => net.getLayer(n).name), [...PERCEPTUAL_LAYERS]);
  tf.dispose([images, val]);
  untrained.dispose();
});

test('perceptual loss is 0 for identical images and grows with blur', () => {
  const x = heldOut();
  assert.equal(perceptualLoss(net, x, x, PERCEPTUAL_LAYERS).dataSync()[0], 0);
  const blur = (sigma: number) => {
    const r = Math.ceil(3 * sigma);
    const taps = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
    const sum = taps.reduce((a, b) => a + b, 0);
    const k = taps.map((t) => t / sum);
    return tf.tidy(() => {
      const padded = tf.mirrorPad(x, [[0, 0], [r, r], [r, r], [0, 0]], 'reflect') as tf.Tensor4D;
      const v = tf.conv2d(padded, tf.tensor4d(k, [k.length, 1, 1, 1]), 1, 'valid');
      return tf.conv2d(v, tf.tensor4d(k, [1, k.length, 1, 1]), 1, 'valid');
    });
  };
  const losses = [0.7, 1.5, 3].map((s) => perceptualLoss(net, blur(s), x, PERCEPTUAL_LAYERS).dataSync()[0]!);
  assert.ok(losses[0]! > 0 && losses[0]! < losses[1]! && losses[1]! < losses[2]!, `losses ${losses.join(', ')}`);
  // Layer weights: one layer alone with weight 2 is twice its unit-weight value.
  const one = perceptualLoss(net, blur(1.5), x, [PERCEPTUAL_LAYERS[1]!], [1]).dataSync()[0]!;
  const two = perceptualLoss(net, blur(1.5), x, [PERCEPTUAL_LAYERS[1]!], [2]).dataSync()[0]!;
  assert.ok(Math.abs(two - 2 * one) < 1e-6 * Math.max(1, one));
});

test('perceptual loss gradient matches finite differences; no gradient to the target', () => {
  const x = blobImages(1, 16, 3);
  const y = tf.add(x, tf.randomNormal(x.shape, 0, 0.1, 'float32', 4));
  const f = (p: tf.Tensor) => perceptualLoss(net, p, x, PERCEPTUAL_LAYERS);
  const idx = [17, 60, 120, 200, 250];
  const analytic = tf.grad(f)(y).dataSync();
  const err = relMaxError(idx.map((i) => analytic[i]!), numericGrad(f, [y], 0, idx, 1e-3));
  assert.ok(err < 5e-2, `relative error ${err}`);
  const gTarget = tf.grad((t: tf.Tensor) => perceptualLoss(net, y, t, PERCEPTUAL_LAYERS))(x);
  assert.equal(tf.max(tf.abs(gTarget)).dataSync()[0], 0);
});

test('bad input: wrong channel count, unknown layer, size not divisible by 4', () => {
  assert.throws(() => perceptualLoss(net, tf.zeros([1, 8, 8, 2]), tf.zeros([1, 8, 8, 2]), PERCEPTUAL_LAYERS), /takes 1 channels/);
  assert.throws(() => perceptualLoss(net, tf.zeros([1, 8, 8, 1]), tf.zeros([1, 8, 8, 1]), ['nope']), /no layer 'nope'/);
  assert.throws(() => trainPerceptualNet(tf.zeros([2, 10, 12, 1])), ValueError);
  assert.throws(() => trainPerceptualNet(tf.zeros([2, 8, 8, 1]), { steps: 1 }), /data range 0/);
});
