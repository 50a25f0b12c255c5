import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, metrics, tf } from '@lacuna/core';
import { synthesisMetrics, maskedRange } from './synthesis_metrics.js';

before(async () => {
  await initBackend();
});

const dims = [16, 14, 3] as const;
const n = 16 * 14 * 3;
const ref = Float32Array.from({ length: n }, (_, v) => Math.sin(v * 0.37) * 50 + 50);

test('synthesisMetrics: a constant offset gives MAE = offset and the closed-form PSNR', () => {
  const pred = ref.map((x) => x + 2);
  const s = synthesisMetrics(pred, ref, dims, undefined, { dataRange: 100 });
  assert.ok(Math.abs(s.volume.mae - 2) < 1e-4);
  assert.ok(Math.abs(s.volume.psnr - 10 * Math.log10(10000 / 4)) < 1e-3);
  assert.equal(s.slices.length, 3);
  assert.equal(s.volume.voxels, n);
});

test('synthesisMetrics: identical volumes have SSIM 1, and SSIM matches core ssim without a mask', () => {
  assert.ok(Math.abs(synthesisMetrics(ref, ref, dims).volume.ssim - 1) < 1e-6);
  const pred = ref.map((x, v) => x + 10 * Math.cos(v));
  const s = synthesisMetrics(pred, ref, dims, undefined, { dataRange: 100 });
  const plane = 16 * 14;
  const expected = tf.tidy(() => metrics.ssim(tf.tensor4d(pred.subarray(plane, 2 * plane), [1, 14, 16, 1]), tf.tensor4d(ref.subarray(plane, 2 * plane), [1, 14, 16, 1]), { dataRange: 100 }).dataSync()[0]!);
  assert.ok(Math.abs(s.slices[1]!.ssim - expected) < 1e-5, `${s.slices[1]!.ssim} vs ${expected}`);
});

test('synthesisMetrics: the mask restricts every metric; empty slices are skipped', () => {
  const mask = new Uint8Array(n);
  const pred = Float32Array.from(ref);
  for (let v = 0; v < 16 * 14; v++) {
    mask[v] = v % 2; // slice 0 only, odd voxels
    if (v % 2 === 0) pred[v] = -1000; // errors outside the mask do not count
  }
  const s = synthesisMetrics(pred, ref, dims, mask);
  assert.equal(s.volume.mae, 0);
  assert.equal(s.volume.psnr, Infinity);
  assert.equal(s.slices.length, 1);
  assert.equal(s.volume.voxels, 16 * 14 / 2);
  assert.equal(maskedRange(Float32Array.from([5, -3, 9]), Uint8Array.from([1, 1, 0])), 8);
  assert.throws(() => synthesisMetrics(pred, ref, dims, new Uint8Array(n)), /mask has no voxels/);
  assert.throws(() => synthesisMetrics(pred.subarray(1), ref, dims), /pred has 671 voxels, the grid 16x14x3 has 672/);
});
