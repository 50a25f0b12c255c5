import { test } from 'node:test';
import assert from 'node:assert/strict';
import { data } from '@lacuna/core';
import { fromPlane, planeDims, toPlane } from '../data/volume_planes.js';
import { gaussianImportance, slidingWindowPredict, windowStarts } from './sliding_window.js';
import { predictPlanes } from './predict_volume.js';
import type { SliceSynthesizer } from './slice_synthesizer.js';

/** A pixel-wise model, 2x + 1 of the first channel: windows and planes must not change it. */
const pointwise: SliceSynthesizer = { predict: (s) => ({ data: Float32Array.from({ length: s.shape[0] * s.shape[1] * s.shape[2] }, (_, p) => 2 * s.data[p * s.shape[3]]! + 1), shape: [s.shape[0], s.shape[1], s.shape[2], 1] }) };

test('windowStarts covers the axis with the last window at the end; the Gaussian map peaks in the middle', () => {
  assert.deepEqual(windowStarts(10, 4, 3), [0, 3, 6]);
  assert.deepEqual(windowStarts(5, 4, 3), [0, 1]);
  assert.deepEqual(windowStarts(4, 4, 3), [0]);
  assert.deepEqual(windowStarts(3, 4, 3), [0]);
  const g = gaussianImportance(8);
  assert.ok(Math.abs(g[3 * 8 + 3]! - Math.exp(-0.5 / 2)) < 1e-6, 'sigma = 1 px at (3, 3), 0.5 px from the centre on each axis');
  assert.equal(g[0], Math.fround(1e-3), 'corners floored at 1e-3');
  for (let i = 0; i < 64; i++) assert.ok(Math.abs(g[i]! - g[63 - i]!) < 1e-7);
});

test('sliding windows reproduce a pixel-wise model exactly, with overlap, uneven edges and slices smaller than a window', () => {
  const rng = new data.Random(2);
  for (const [H, W, w, overlap] of [[13, 17, 8, 0.5], [6, 5, 8, 0.25], [16, 16, 8, 0]] as const) {
    const source = { data: Float32Array.from({ length: 2 * H * W * 2 }, () => rng.uniform(-1, 1)), shape: [2, H, W, 2] as const };
    const whole = pointwise.predict(source);
    let calls = 0;
    const counting: SliceSynthesizer = { predict: (s, m) => { calls++; assert.equal(s.shape[1], w); assert.equal(m?.shape[0], s.shape[0]); return pointwise.predict(s); } };
    const mask = { data: new Float32Array(2 * H * W).fill(1), shape: [2, H, W, 1] as const };
    const progress: number[] = [];
    const windowed = slidingWindowPredict(counting, source, { window: w, overlap, batch: 3, onProgress: (d) => progress.push(d) }, mask);
    windowed.data.forEach((v, i) => assert.ok(Math.abs(v - whole.data[i]!) < 1e-5, `${H}x${W} pixel ${i}: ${v} vs ${whole.data[i]}`));
    const n = 2 * windowStarts(H, w, Math.max(1, Math.floor(w * (1 - overlap)))).length * windowStarts(W, w, Math.max(1, Math.floor(w * (1 - overlap)))).length;
    assert.equal(calls, Math.ceil(n / 3));
    assert.equal(progress.at(-1), n);
  }
  assert.throws(() => slidingWindowPredict(pointwise, { data: new Float32Array(16), shape: [1, 4, 4, 1] }, { window: 8, overlap: 1 }), /overlap must be in \[0, 1\)/);
});

test('planes: toPlane / fromPlane permute as stated and round-trip; every plane and tri-planar fusion agree for a pixel-wise model', () => {
  const dims = [2, 3, 4] as const; // nx, ny, nz
  const v = Float32Array.from({ length: 24 }, (_, p) => p); // value = x + 2y + 6z
  const cor = toPlane(v, dims, 'coronal');
  assert.deepEqual(planeDims(dims, 'coronal'), [2, 4, 3]);
  // Coronal layout: axes (x, z, y): element (a=x, b=z, c=y) at a + 2b + 8c holds x + 2y + 6z.
  assert.equal(cor[1 + 2 * 3 + 8 * 2], 1 + 2 * 2 + 6 * 3);
  const sag = toPlane(v, dims, 'sagittal');
  assert.deepEqual(planeDims(dims, 'sagittal'), [3, 4, 2]);
  // Sagittal layout: axes (y, z, x): element (a=y, b=z, c=x) at a + 3b + 12c.
  assert.equal(sag[2 + 3 * 1 + 12 * 1], 1 + 2 * 2 + 6 * 1);
  for (const plane of ['axial', 'coronal', 'sagittal'] as const) assert.deepEqual(Array.from(fromPlane(toPlane(v, dims, plane), dims, plane)), Array.from(v));
  const src = Float32Array.from({ length: 24 }, (_, p) => Math.sin(p));
  const mask = new Float32Array(24).fill(1);
  const axial = predictPlanes(pointwise, { context: 0, multiple: 1 }, [src], mask, dims);
  for (const plane of ['coronal', 'sagittal', 'triplanar'] as const) {
    const other = predictPlanes(pointwise, { context: 0, multiple: 1 }, [src], mask, dims, { plane });
    other.forEach((x, i) => assert.ok(Math.abs(x - axial[i]!) < 1e-6, `${plane} voxel ${i}`));
  }
  const windowed = predictPlanes(pointwise, { context: 0, multiple: 4 }, [src], mask, dims, { plane: 'triplanar', window: 4 });
  windowed.forEach((x, i) => assert.ok(Math.abs(x - axial[i]!) < 1e-5));
  assert.throws(() => predictPlanes(pointwise, { context: 0, multiple: 8 }, [src], mask, dims, { window: 12 }), /window \(12\) must be a multiple of 8/);
});
