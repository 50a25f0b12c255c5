import { test } from 'node:test';
import assert from 'node:assert/strict';
import { data, ValueError } from '@lacuna/core';
import { headMask, otsuThreshold, fillHolesAxial, keepLargeComponents } from './head_mask.js';
import { fitIntensityNorm, normalizeIntensity, denormalizeIntensity, maskedPercentile, medianNorm, modalityKind } from './intensity_norm.js';
import { axialStack, cropSlices, concatStacks, stackRange } from './slice_stack.js';
import { gatherSlices, samplePatches } from './patches.js';
import { augmentBatch } from './augment.js';
import { splitSubjects } from './subject_split.js';

/** A 12×10×4 volume: a bright 6×6 "head" with a dark 2×2 hole, plus one bright speck outside. */
function toyHead(): data.Volume {
  const dims = [12, 10, 4] as const;
  const v = new Float32Array(12 * 10 * 4);
  for (let k = 0; k < 4; k++)
    for (let j = 2; j < 8; j++)
      for (let i = 3; i < 9; i++) {
        const hole = j >= 4 && j < 6 && i >= 5 && i < 7;
        v[(k * 10 + j) * 12 + i] = hole ? 0.05 : 100 + i;
      }
  v[(1 * 10 + 0) * 12 + 0] = 120; // a speck in the air
  return { data: v, dims, spacing: [1, 1, 1], affine: data.centredAffine(dims, [1, 1, 1]) };
}

test('otsuThreshold separates two clusters', () => {
  const v = Float32Array.from([0, 1, 2, 1, 0, 50, 51, 49, 50]);
  const t = otsuThreshold(v);
  assert.ok(t > 2 && t < 49, `threshold ${t}`);
});

test('headMask keeps the head, fills its hole, drops the speck', () => {
  const vol = toyHead();
  const mask = headMask(vol);
  let count = 0;
  for (const m of mask) count += m;
  assert.equal(count, 4 * 36); // 6×6 per slice, the 2×2 hole filled, the speck gone
  assert.equal(mask[(1 * 10 + 0) * 12 + 0], 0);
  assert.equal(mask[(2 * 10 + 4) * 12 + 5], 1);
});

test('keepLargeComponents and fillHolesAxial on a hand-made mask', () => {
  // 5×5×1: a ring (hole at the centre) and a lone pixel (under a fifth of the ring's 8).
  const m = new Uint8Array(25);
  for (const [i, j] of [[1, 1], [2, 1], [3, 1], [1, 2], [3, 2], [1, 3], [2, 3], [3, 3]]) m[j! * 5 + i!] = 1;
  m[4 * 5 + 4] = 1;
  keepLargeComponents(m, [5, 5, 1], 0.2);
  assert.equal(m[24], 0);
  assert.equal(m[12], 0);
  fillHolesAxial(m, [5, 5, 1]);
  assert.equal(m[12], 1);
  assert.equal(m.reduce((a, b) => a + b, 0), 9);
});

test('maskedPercentile interpolates linearly', () => {
  const v = Float32Array.from([10, 0, 30, 20, 99]);
  const mask = Uint8Array.from([1, 1, 1, 1, 0]);
  assert.equal(maskedPercentile(v, mask, 50), 15);
  assert.equal(maskedPercentile(v, mask, 100), 30);
  assert.equal(maskedPercentile(v, undefined, 100), 99);
  assert.throws(() => maskedPercentile(v, new Uint8Array(5), 50), ValueError);
});

test('intensity normalisation: MR percentile, CT window, PET SUV-like, and inverses', () => {
  const v = Float32Array.from([0, 50, 100, 200]);
  const mask = Uint8Array.from([0, 1, 1, 1]);
  const mr = fitIntensityNorm('mr', v, mask, { percentile: 100 });
  assert.deepEqual(Array.from(normalizeIntensity(v, mr)), [-1, -0.5, 0, 1]);
  const ct = fitIntensityNorm('ct', Float32Array.from([-2000, -1000, 500, 2000, 3000]), mask);
  assert.deepEqual(Array.from(normalizeIntensity(Float32Array.from([-2000, -1000, 500, 2000, 3000]), ct)), [-1, -1, 0, 1, 1]);
  const pet = fitIntensityNorm('pet', v, mask, { suvMax: 2 }); // head mean 116.67 → SUV 2 is 233.3
  const p = normalizeIntensity(v, pet);
  assert.ok(Math.abs(p[3]! - (2 * (200 / (350 / 3)) / 2 - 1)) < 1e-6);
  const back = denormalizeIntensity(p, pet);
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(back[i]! - v[i]!) < 1e-3);
  assert.equal(medianNorm([{ ...mr, scale: 3 }, { ...mr, scale: 1 }, { ...mr, scale: 2 }]).scale, 2);
  assert.equal(modalityKind('CT'), 'ct');
  assert.equal(modalityKind('t1'), 'mr');
});

test('axialStack: layout, 2.5-D context channels, padding, and crop back', () => {
  const dims = [3, 2, 3] as const; // nx 3, ny 2, nz 3
  const a = Float32Array.from({ length: 18 }, (_, v) => v);
  const b = Float32Array.from({ length: 18 }, (_, v) => 100 + v);
  const s = axialStack([a, b], dims, { context: 1, multiple: 4, padValue: -9 });
  assert.deepEqual(s.shape, [3, 4, 4, 6]);
  const at = (n: number, y: number, x: number, c: number) => s.data[((n * 4 + y) * 4 + x) * 6 + c];
  // slice 0, pixel (y=1, x=2): voxel index (k*2 + 1)*3 + 2; context −1 repeats slice 0.
  assert.equal(at(0, 1, 2, 0), 5); // k = max(0, −1) = 0
  assert.equal(at(0, 1, 2, 1), 5); // k = 0
  assert.equal(at(0, 1, 2, 2), 11); // k = 1
  assert.equal(at(2, 1, 2, 2), 17); // k = min(2, 3) = 2
  assert.equal(at(1, 0, 0, 4), 106); // second volume, k = 1
  assert.equal(at(1, 3, 3, 0), -9); // padding
  const single = axialStack([a], dims, { multiple: 4, slices: [1, 2] });
  assert.deepEqual(Array.from(cropSlices(single, 3, 2)), Array.from(a.subarray(6)));
  assert.throws(() => axialStack([a], dims, { slices: [1, 3] }), /outside the volume's 0\.\.2/);
  assert.throws(() => axialStack([a.subarray(1)], dims), /volume 0 has 17 voxels/);
  const both = concatStacks([stackRange(single, 1, 1), stackRange(single, 0, 1)]);
  assert.deepEqual(both.shape, [2, 4, 4, 1]);
  assert.equal(both.data[0], 12);
});

test('gatherSlices and samplePatches: windows come from masked centres, same seed same batch', () => {
  const dims = [8, 8, 2] as const;
  const src = Float32Array.from({ length: 128 }, (_, v) => v);
  const m = new Uint8Array(128);
  m[(1 * 8 + 6) * 8 + 5] = 1; // one masked pixel: slice 1, y 6, x 5
  const source = axialStack([src], dims);
  const target = axialStack([src.map((x) => -x)], dims);
  const mask = axialStack([Float32Array.from(m)], dims);
  assert.deepEqual(Array.from(gatherSlices(source, [1]).data.subarray(0, 3)), [64, 65, 66]);
  const batch = samplePatches(source, target, mask, 3, 4, new data.Random(3));
  assert.deepEqual(batch.source.shape, [4, 3, 3, 1]);
  for (let b = 0; b < 4; b++) {
    const centre = batch.source.data[b * 9 + 4]!;
    assert.equal(centre, 64 + 6 * 8 + 5); // every centre is the one masked pixel
    assert.equal(batch.target.data[b * 9 + 4], -centre);
  }
  const again = samplePatches(source, target, mask, 3, 4, new data.Random(3));
  assert.deepEqual(again.source.data, batch.source.data);
});

test('splitSubjects splits by subject, reproducibly, and refuses impossible splits', () => {
  const ids = Array.from({ length: 20 }, (_, i) => `sub-${i}`);
  const s = splitSubjects(ids, { val: 2, test: 0.2, seed: 5 });
  assert.equal(s.val.length, 2);
  assert.equal(s.test.length, 4);
  assert.equal(s.train.length, 14);
  assert.equal(new Set([...s.train, ...s.val, ...s.test]).size, 20);
  assert.deepEqual(splitSubjects(ids, { val: 2, test: 0.2, seed: 5 }), s);
  assert.notDeepEqual(splitSubjects(ids, { val: 2, test: 0.2, seed: 6 }).test, s.test);
  assert.throws(() => splitSubjects(['a', 'b'], { val: 1, test: 1 }), /still leave one to train/);
  assert.throws(() => splitSubjects(['a', 'a']), /unique/);
});

test('augmentBatch mirrors all stacks of a sample together and applies the source gain above −1', () => {
  // Two samples, 2x3 pixels, source with 2 channels: values say where they came from.
  const src = Float32Array.from({ length: 2 * 2 * 3 * 2 }, (_, i) => i / 100 - 0.5);
  const tgt = Float32Array.from({ length: 2 * 2 * 3 }, (_, i) => i);
  const batch = { source: { data: src, shape: [2, 2, 3, 2] as const }, target: { data: tgt, shape: [2, 2, 3, 1] as const }, mask: { data: Float32Array.from(tgt), shape: [2, 2, 3, 1] as const } };
  const flipped = augmentBatch(batch, { flip: true, intensity: 0 }, new data.Random(3));
  assert.deepEqual(Array.from(batch.target.data), Array.from(tgt), 'the input batch is unchanged');
  for (let b = 0; b < 2; b++) {
    const row = (y: number) => Array.from(flipped.target.data.subarray((b * 2 + y) * 3, (b * 2 + y + 1) * 3));
    const orig = (y: number) => Array.from(tgt.subarray((b * 2 + y) * 3, (b * 2 + y + 1) * 3));
    const isMirror = row(0).join() === orig(0).reverse().join();
    if (!isMirror) assert.deepEqual(row(0), orig(0));
    assert.deepEqual(Array.from(flipped.mask.data.subarray(b * 6, b * 6 + 6)), Array.from(flipped.target.data.subarray(b * 6, b * 6 + 6)), 'mask follows target');
    // Source pixel (y, x) keeps its two channels together: channel 1 = channel 0 + 0.01.
    for (let i = b * 12; i < b * 12 + 12; i += 2) assert.ok(Math.abs(flipped.source.data[i + 1]! - flipped.source.data[i]! - 0.01) < 1e-6);
    if (isMirror) assert.ok(Math.abs(flipped.source.data[b * 12]! - src[b * 12 + 4]!) < 1e-7, 'pixel 0 now holds pixel 2');
  }
  // Over seeds, both outcomes occur.
  const counts = new Set(Array.from({ length: 20 }, (_, s) => { const f = augmentBatch(batch, { flip: true, intensity: 0 }, new data.Random(s)); return f.target.data[0]; }));
  assert.deepEqual([...counts].sort(), [0, 2]);
  // Gain: (x + 1)·g − 1 with g in [0.8, 1.2]; −1 stays −1, the target is untouched.
  const floor = { ...batch, source: { data: Float32Array.from([-1, 0, 1, -1, 0, 1, -1, 0, 1, -1, 0, 1, -1, 0, 1, -1, 0, 1, -1, 0, 1, -1, 0, 1]), shape: [2, 2, 3, 2] as const } };
  const g = augmentBatch(floor, { flip: false, intensity: 0.2 }, new data.Random(5));
  for (let b = 0; b < 2; b++) {
    const s = g.source.data.subarray(b * 12, b * 12 + 12);
    const gain = s[1]! + 1;
    assert.ok(gain >= 0.8 && gain <= 1.2, `gain ${gain}`);
    for (let i = 0; i < 12; i += 3) {
      assert.equal(s[i], -1);
      assert.ok(Math.abs(s[i + 2]! - (2 * gain - 1)) < 1e-6);
    }
  }
  assert.deepEqual(Array.from(g.target.data), Array.from(tgt));
});
