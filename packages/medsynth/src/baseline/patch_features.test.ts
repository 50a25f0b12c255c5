import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, ValueError, data } from '@lacuna/core';
import { featureCount, featureNames, integralImages, resolveFeatureOptions, sliceFeatures, stackFeatures } from './patch_features.js';

// A 5×6 slice (H = 5, W = 6) with value 10·y + x, one channel.
const H = 5;
const W = 6;
const ramp = Float32Array.from({ length: H * W }, (_, i) => 10 * Math.floor(i / W) + (i % W));
const small = resolveFeatureOptions({ patchRadius: 1, contextRadii: [2], smoothingRadii: [1] });

function featuresAt(slice: Float32Array, c: number, y: number, x: number, opts = small): number[] {
  const out = new Float32Array(featureCount(opts, c));
  sliceFeatures(slice, H, W, c, [y * W + x], opts, out, 0);
  return [...out];
}

test('feature count and names follow the documented order', () => {
  assert.equal(featureCount(small, 1), 9 + 8 + 1);
  assert.equal(featureCount(resolveFeatureOptions(), 2), 2 * (9 + 32 + 2));
  const names = featureNames(small, 2);
  assert.equal(names.length, 36);
  assert.deepEqual(names.slice(0, 3), ['c0.patch[-1,-1]', 'c0.patch[-1,0]', 'c0.patch[-1,1]']);
  assert.deepEqual(names.slice(9, 18), ['c0.ctx2.N', 'c0.ctx2.NE', 'c0.ctx2.E', 'c0.ctx2.SE', 'c0.ctx2.S', 'c0.ctx2.SW', 'c0.ctx2.W', 'c0.ctx2.NW', 'c0.smooth1']);
  assert.equal(names[18], 'c1.patch[-1,-1]');
});

test('corner voxel: replicated patch, clamped context centres, clipped boxes (hand-computed)', () => {
  // (0,0): patch rows y = 0,0,1 and columns x = 0,0,1.
  const patch = [0, 0, 1, 0, 0, 1, 10, 10, 11];
  // R = 2, half-width 1. N, W, NW clamp to (0,0): box rows 0-1, cols 0-1 → (0+1+10+11)/4 = 5.5.
  // NE, E centre (0,2): rows 0-1, cols 1-3 → 7. SE (2,2): rows 1-3, cols 1-3 → 22.
  // S, SW centre (2,0): rows 1-3, cols 0-1 → 20.5.
  const context = [5.5, 7, 7, 22, 20.5, 20.5, 5.5, 5.5];
  const smooth = [5.5]; // rows 0-1, cols 0-1
  assert.deepEqual(featuresAt(ramp, 1, 0, 0), [...patch, ...context, ...smooth]);
});

test('interior voxel near the right edge (hand-computed)', () => {
  // (2,3): patch 10(2+dy) + 3 + dx.
  const patch = [12, 13, 14, 22, 23, 24, 32, 33, 34];
  // Centres at distance 2: N (0,3) rows 0-1 cols 2-4 → 8; NE (0,5) rows 0-1 cols 4-5 → 9.5;
  // E (2,5) rows 1-3 cols 4-5 → 24.5; SE (4,5) rows 3-4 cols 4-5 → 39.5; S (4,3) rows 3-4
  // cols 2-4 → 38; SW (4,1) rows 3-4 cols 0-2 → 36; W (2,1) rows 1-3 cols 0-2 → 21;
  // NW (0,1) rows 0-1 cols 0-2 → 6.
  const context = [8, 9.5, 24.5, 39.5, 38, 36, 21, 6];
  assert.deepEqual(featuresAt(ramp, 1, 2, 3), [...patch, ...context, 23]);
});

test('channels are independent blocks: channel 1 = −2 · channel 0 gives −2 × its features', () => {
  const two = new Float32Array(H * W * 2);
  for (let i = 0; i < H * W; i++) {
    two[2 * i] = ramp[i]!;
    two[2 * i + 1] = -2 * ramp[i]!;
  }
  const f = featuresAt(two, 2, 4, 1);
  const n = featureCount(small, 1);
  assert.deepEqual(f.slice(0, n), featuresAt(ramp, 1, 4, 1));
  assert.deepEqual(f.slice(n), f.slice(0, n).map((v) => -2 * v || 0));
});

test('integral-image box means equal brute-force means on a random slice', () => {
  const rng = new data.Random(3);
  const img = Float32Array.from({ length: H * W }, () => rng.normal());
  const sat = integralImages(img, H, W, 1)[0]!;
  for (let trial = 0; trial < 50; trial++) {
    const y0 = rng.int(0, H);
    const y1 = rng.int(y0, H);
    const x0 = rng.int(0, W);
    const x1 = rng.int(x0, W);
    let brute = 0;
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) brute += img[y * W + x]!;
    const viaSat = sat[(y1 + 1) * (W + 1) + x1 + 1]! - sat[y0 * (W + 1) + x1 + 1]! - sat[(y1 + 1) * (W + 1) + x0]! + sat[y0 * (W + 1) + x0]!;
    assert.ok(Math.abs(viaSat - brute) < 1e-9, `box [${y0}..${y1}]x[${x0}..${x1}]: ${viaSat} vs ${brute}`);
  }
});

test('stackFeatures matches sliceFeatures slice by slice; bad voxel lists are rejected', () => {
  const stack = { data: new Float32Array(2 * H * W), shape: [2, H, W, 1] as const };
  stack.data.set(ramp, 0);
  stack.data.set(ramp.map((v) => v * v), H * W);
  const voxels = Int32Array.from([0, 17, H * W + 5, H * W + 29]);
  const f = stackFeatures(stack, voxels, small);
  const n = featureCount(small, 1);
  assert.deepEqual([...f.subarray(n, 2 * n)], featuresAt(ramp, 1, 2, 5));
  assert.deepEqual([...f.subarray(2 * n, 3 * n)], featuresAt(ramp.map((v) => v * v), 1, 0, 5));
  assert.throws(() => stackFeatures(stack, Int32Array.from([5, 3]), small), ValueError);
  assert.throws(() => stackFeatures(stack, Int32Array.from([2 * H * W]), small), /outside/);
  assert.throws(() => stackFeatures({ data: new Float32Array(7), shape: [2, H, W, 1] }, voxels, small), /data has 7 values/);
});

test('options are checked and errors name the option', () => {
  assert.throws(() => resolveFeatureOptions({ patchRadius: -1 }), ConfigError);
  assert.throws(() => resolveFeatureOptions({ contextRadii: [4, 0] }), /contextRadii/);
  assert.throws(() => resolveFeatureOptions({ smoothingRadii: [1.5] }), /smoothingRadii/);
});
