import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { initBackend, tf } from '@lacuna/core';
import { datasetBatch } from './batch.js';
import { renderDataset } from './pose_dataset.js';
import { previewSheet } from './preview.js';

before(async () => {
  await initBackend();
});

const ds = renderDataset({ object: 'vase', count: 3, seed: 2, cropSize: 32 });

test('datasetBatch slices the chosen samples into tensors', () => {
  const b = datasetBatch(ds, [2, 0]);
  assert.deepEqual(b.images.shape, [2, 32, 32, 3]);
  assert.deepEqual(b.masks.shape, [2, 32, 32, 1]);
  const px = 32 * 32;
  const img = b.images.dataSync(), x3d = b.x3d.dataSync(), m = b.masks.dataSync();
  for (const k of [0, 500, px * 3 - 1]) {
    assert.ok(Math.abs(img[k]! - ds.images[2 * px * 3 + k]! / 255) < 1e-7);
    assert.equal(x3d[px * 3 + k], ds.x3d[k]);
  }
  assert.equal(Array.from(m).reduce((s, v) => s + v, 0), ds.masks.subarray(2 * px, 3 * px).reduce((s, v) => s + v, 0) + ds.masks.subarray(0, px).reduce((s, v) => s + v, 0));
  assert.deepEqual(Array.from(b.poses.subarray(0, 7)), Array.from(ds.poses.subarray(14, 21)));
  assert.deepEqual(Array.from(b.boxes.subarray(3, 6)), Array.from(ds.boxes.subarray(0, 3)));
  tf.dispose([b.images, b.x3d, b.masks, b.objectMasks]);
  assert.throws(() => datasetBatch(ds, [3]), /out of range/);
});

test('the preview sheet lays out crop | mask | coordinates per sample', () => {
  const sheet = previewSheet(ds, 3, 2);
  assert.deepEqual(sheet.shape, [64, 2 * 3 * 32, 3]);
  const W = sheet.shape[1];
  // Sample 1 is in row 0, cell 1: its crop starts at column 96; its first pixel equals the image.
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(sheet.data[(0 * W + 96) * 3 + k]! - ds.images[32 * 32 * 3 + k]! / 255) < 1e-6);
  // Coordinate panel: black off the object, x3d/halfExtent mapped to [0, 1] on it.
  for (let p = 0; p < 32 * 32; p++) {
    const r = Math.floor(p / 32), c = p % 32;
    const v = sheet.data[(r * W + 64 + c) * 3]!;
    if (!ds.objectMasks[p]) assert.equal(v, 0);
    else assert.ok(Math.abs(v - (0.5 + ds.x3d[p * 3]! / (2 * ds.object.halfExtent[0]!))) < 1e-6);
  }
});
