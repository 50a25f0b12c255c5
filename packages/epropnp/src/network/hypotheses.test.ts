import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { initBackend, tf } from '@lacuna/core';
import { buildCdpnNet, cdpnForward } from './cdpn_net.js';
import { pnpInputs } from './pnp_inputs.js';
import { coordinateL1 } from '../losses/surrogate_losses.js';
import { renderDataset } from '../dataset/pose_dataset.js';
import { datasetBatch } from '../dataset/batch.js';
import { estimatePoses } from '../workflow/estimate_pose.js';
import { loadPoseModel } from '../workflow/pose_model_folder.js';
import { initialiseFrom } from '../workflow/train_pose.js';
import { axisAngleMatrix } from '../render/mesh.js';
import { quaternionAngleDeg } from '../geometry/rotation.js';

test('K hypotheses per pixel: K points per pixel at its 2-D point; the coordinate loss takes the nearest hypothesis', async () => {
  await initBackend({ threads: 1 });
  const net = buildCdpnNet({ inputSize: 16, outputSize: 8, width: 4, hypotheses: 2 });
  const out = cdpnForward(net, tf.zeros([1, 16, 16, 3]), [0.1, 0.2, 0.3]);
  assert.deepEqual(out.x3d.shape, [1, 8, 8, 6]);
  assert.deepEqual(out.w2dLogits.shape, [1, 8, 8, 4]);
  const inputs = pnpInputs(out, [100, 50, 40]);
  assert.deepEqual(inputs.x3d.shape, [1, 128, 3]);
  const x2d = inputs.x2d.arraySync()[0]!;
  // Points 2p and 2p+1 are pixel p's two hypotheses: the same 2-D point; pixel 1 is (c = 1, r = 0).
  assert.deepEqual(x2d[2], x2d[3]);
  assert.deepEqual(x2d[2], [100 - 20 + 1.5 * 5, 50 - 20 + 0.5 * 5]);
  assert.deepEqual(Array.from(inputs.indices.subarray(0, 4)), [0, 0, 1, 1]);
  assert.deepEqual(inputs.x3d.arraySync()[0]![3], Array.from(out.x3d.arraySync()[0]![0]![1]!.slice(3, 6)).map((v) => Math.fround(v)));
  // Coordinate L1 with two hypotheses: each pixel pays its nearer one. One pixel, gt (0, 0, 0),
  // hypotheses (0.1, 0, 0) and (0, 0, 0.3), half-extent 1: min(0.1, 0.3) / 3.
  const l = coordinateL1(tf.tensor4d([0.1, 0, 0, 0, 0, 0.3], [1, 1, 1, 6]), tf.zeros([1, 1, 1, 3]), tf.ones([1, 1, 1, 1]), [1, 1, 1]);
  assert.ok(Math.abs(l.dataSync()[0]! - 0.1 / 3) < 1e-6);
  tf.dispose([out.x3d, out.w2dLogits, out.scale, inputs.x3d, inputs.x2d, inputs.w2d, l]);
});

test("a one-hypothesis model starts a two-hypothesis network: 'copy' keeps its poses, 'symmetric' adds the half-turned reading", async () => {
  await initBackend({ threads: 1 });
  const ds = renderDataset({ object: 'box', count: 2, seed: 5, cropSize: 32, views: 'upper', zoomIn: { shift: 0, scale: 0 } });
  // A trained one-hypothesis model (the committed box model), so the poses are real.
  const dir = fileURLToPath(new URL('../../../../models/epropnp-box32-D', import.meta.url));
  const { net: one } = await loadPoseModel(dir);
  const batch = datasetBatch(ds, [0, 1]);
  const options = { variant: 'C' as const, halfExtent: ds.object.halfExtent, intrinsics: ds.intrinsics };
  const ref = estimatePoses(one, batch.images, batch.boxes, options);
  const copy = buildCdpnNet({ inputSize: 32, outputSize: 32, width: 16, seed: 9, hypotheses: 2 });
  await initialiseFrom(copy, dir, 'copy', ds.object.symmetry);
  const est = estimatePoses(copy, batch.images, batch.boxes, options);
  // Every correspondence twice, at half the weight (the softmax runs over twice the points).
  assert.equal(est.problems.N, 2 * ref.problems.N);
  for (let q = 0; q < 2 * ref.problems.N; q++) {
    for (let k = 0; k < 2; k++) {
      const p = q * 2 + k;
      for (let c = 0; c < 3; c++) assert.ok(Math.abs(est.problems.x3d[p * 3 + c]! - ref.problems.x3d[q * 3 + c]!) < 1e-6);
      for (let c = 0; c < 2; c++) {
        assert.equal(est.problems.x2d[p * 2 + c], ref.problems.x2d[q * 2 + c]);
        assert.ok(Math.abs(est.problems.w2d[p * 2 + c]! - ref.problems.w2d[q * 2 + c]! / 2) < 1e-5 * (1 + ref.problems.w2d[q * 2 + c]!));
      }
    }
  }
  // The poses agree up to the robust threshold's dependence on the weights (it adapts to them).
  for (let b = 0; b < 2; b++) assert.ok(quaternionAngleDeg(est.pose.subarray(b * 7 + 3, b * 7 + 7), ref.pose.subarray(b * 7 + 3, b * 7 + 7)) < 2);
  const sym = buildCdpnNet({ inputSize: 32, outputSize: 32, width: 16, seed: 9, hypotheses: 2 });
  await initialiseFrom(sym, dir, 'symmetric', ds.object.symmetry);
  const s = estimatePoses(sym, batch.images, batch.boxes, options);
  // Hypothesis 1 is hypothesis 0 turned half about the box's z axis: S x.
  const S = axisAngleMatrix([0, 0, 1], Math.PI);
  for (let p = 0; p < 5; p++) {
    const a = s.problems.x3d.subarray(p * 6, p * 6 + 3), b = s.problems.x3d.subarray(p * 6 + 3, p * 6 + 6);
    for (let r = 0; r < 3; r++) assert.ok(Math.abs(b[r]! - (S[r * 3]! * a[0]! + S[r * 3 + 1]! * a[1]! + S[r * 3 + 2]! * a[2]!)) < 1e-6);
  }
  await assert.rejects(initialiseFrom(buildCdpnNet({ inputSize: 32, outputSize: 32, width: 16, hypotheses: 2 }), dir, 'symmetric', { kind: 'none' }), /'symmetric' needs a two-fold symmetry/);
  await assert.rejects(initialiseFrom(buildCdpnNet({ inputSize: 32, outputSize: 32, width: 8 }), dir, 'copy', ds.object.symmetry), /another shape/);
  tf.dispose([batch.images, batch.x3d, batch.masks, batch.objectMasks]);
  one.dispose();
});
