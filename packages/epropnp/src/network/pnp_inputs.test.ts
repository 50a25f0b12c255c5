import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { initBackend, tf } from '@lacuna/core';
import { datasetBatch } from '../dataset/batch.js';
import { renderDataset } from '../dataset/pose_dataset.js';
import { LINEMOD_INTRINSICS, makeCamera, projectPoints } from '../geometry/camera.js';
import { pnpInputs } from './pnp_inputs.js';

before(async () => {
  await initBackend();
});

test('with the rendered coordinate maps as x3d, every object point projects onto its x2d', () => {
  const ds = renderDataset({ object: 'bunny', count: 3, seed: 21 });
  const batch = datasetBatch(ds, [0, 1, 2]);
  const B = 3, S = 64, N = S * S;
  const outputs = { x3d: batch.x3d, w2dLogits: tf.zeros([B, S, S, 2]) as tf.Tensor4D, scale: tf.ones([B, 2]) as tf.Tensor2D };
  const p = pnpInputs(outputs, batch.boxes);
  const x3d = p.x3d.dataSync(), x2d = p.x2d.dataSync(), w2d = p.w2d.dataSync();
  const camera = makeCamera(LINEMOD_INTRINSICS);
  let checked = 0;
  for (let b = 0; b < B; b++) {
    const scale = ds.boxes[b * 3 + 2]! / S;
    const pts: number[] = [], want: number[] = [];
    for (let i = 0; i < N; i++) {
      if (!ds.objectMasks[b * N + i]) continue;
      pts.push(x3d[(b * N + i) * 3]!, x3d[(b * N + i) * 3 + 1]!, x3d[(b * N + i) * 3 + 2]!);
      want.push(x2d[(b * N + i) * 2]!, x2d[(b * N + i) * 2 + 1]!);
    }
    const uv = projectPoints(pts, ds.poses.subarray(b * 7, b * 7 + 7), camera);
    for (let k = 0; k < uv.length; k++) assert.ok(Math.abs(uv[k]! - want[k]!) < 0.01 * scale + 1e-3, `sample ${b}: ${uv[k]} vs ${want[k]}`);
    checked += pts.length / 3;
  }
  assert.ok(checked > 1000, `${checked} points`);
  // Zero logits: uniform weights 1/N per channel.
  assert.ok(Math.abs(w2d[0]! - 1 / N) < 1e-9 && Math.abs(w2d[w2d.length - 1]! - 1 / N) < 1e-9);
  tf.dispose([batch.images, batch.x3d, batch.masks, batch.objectMasks, outputs.w2dLogits, outputs.scale, p.x3d, p.x2d, p.w2d]);
});
