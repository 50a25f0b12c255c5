import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValueError } from '@lacuna/core';
import { intensityLandmarks, learnStandardScale, standardiseIntensities, NYUL_PERCENTILES } from './intensity_standardisation.js';

const all = (n: number) => new Uint8Array(n).fill(1);

test('landmarks: percentiles by linear interpolation between order statistics, inside the mask only', () => {
  // 0..100 inside the mask; 1000 outside, which must not count.
  const values = Float32Array.from([...Array.from({ length: 101 }, (_, i) => 100 - i), 1000, 1000]);
  const mask = Uint8Array.from([...new Array(101).fill(1), 0, 0]);
  assert.deepEqual(intensityLandmarks({ values, mask }), NYUL_PERCENTILES.map((p) => p));
  // Four values: the 50th percentile sits halfway between the 2nd and 3rd (1.5 of 0..3).
  assert.deepEqual(intensityLandmarks({ values: Float32Array.from([0, 10, 20, 30]), mask: all(4) }, [0, 50, 100]), [0, 15, 30]);
  assert.throws(() => intensityLandmarks({ values: Float32Array.from([1]), mask: all(1) }), ValueError);
});

test('standardisation undoes a monotone piecewise-linear intensity change exactly, and extrapolates with the end segments', () => {
  const n = 1001;
  const base = Float32Array.from({ length: n }, (_, i) => i / 10); // 0..100
  const scale = learnStandardScale([{ values: base, mask: all(n) }]);
  // Another "site": gain 3, offset 7, and a kink at 50 (the upper half stretched 2x more).
  const site = base.map((v) => (v < 50 ? 3 * v + 7 : 157 + 6 * (v - 50)));
  const back = standardiseIntensities({ values: site, mask: all(n) }, scale);
  for (let i = 0; i < n; i += 50) assert.ok(Math.abs(back[i]! - base[i]!) < 1e-3, `voxel ${i}: ${back[i]} vs ${base[i]}`);
  // Hand-computed: the landmarks of base are 1, 10, …, 90, 99; a value 2 below the site's 1st percentile maps 2/3 below 1 (first segment slope 9/27).
  const p1 = 3 * 1 + 7;
  const out = standardiseIntensities({ values: Float32Array.from([p1 - 2, ...site]), mask: Uint8Array.from([0, ...all(n)]) }, scale);
  assert.ok(Math.abs(out[0]! - (1 - 2 / 3)) < 1e-4, `${out[0]}`);
});

test('the standard scale is the mean of the reference images\' landmarks; degenerate images are clear errors', () => {
  const a = { values: Float32Array.from({ length: 101 }, (_, i) => i), mask: all(101) };
  const b = { values: Float32Array.from({ length: 101 }, (_, i) => 2 * i), mask: all(101) };
  const scale = learnStandardScale([a, b], [0, 50, 100]);
  assert.deepEqual(scale.landmarks, [0, 75, 150]);
  const flat = { values: new Float32Array(50).fill(3), mask: all(50) };
  assert.throws(() => learnStandardScale([flat]), /not increasing/);
  assert.throws(() => standardiseIntensities(flat, scale), /percentiles are equal/);
});
