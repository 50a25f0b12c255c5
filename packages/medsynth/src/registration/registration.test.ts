import { test } from 'node:test';
import assert from 'node:assert/strict';
import { data, transforms, ValueError } from '@lacuna/core';
import { generatePhantomSubject } from '../phantom/phantom.js';
import { TISSUE_LABEL } from '../phantom/tissues.js';
import { registerRigid } from './elastix_node.js';
import { registerRigid as registerRigidInBrowser } from './elastix_browser.js';
import { eulerRotation, maskLandmarks, meanPointDistance, rigidMatrix, transformPoint, transformVolume } from './rigid.js';

test('rigid transforms: orthonormal Euler rotations, the centre maps to centre + t, a one-voxel shift moves the data one voxel', () => {
  const r = eulerRotation([0.3, -0.2, 0.5]);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const dot = r[3 * i]! * r[3 * j]! + r[3 * i + 1]! * r[3 * j + 1]! + r[3 * i + 2]! * r[3 * j + 2]!;
      assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-12);
    }
  }
  // Rz·Rx·Ry: about z alone, x goes to y.
  const rz = eulerRotation([0, 0, Math.PI / 2]);
  assert.deepEqual([rz[0], rz[3], rz[6]].map((v) => Math.round(v!)), [0, 1, 0]);
  const m = rigidMatrix({ angles: [0.3, -0.2, 0.5], translation: [1, 2, 3], centre: [10, -5, 7] });
  assert.deepEqual(transformPoint(m, [10, -5, 7]).map((v) => Math.round(v * 1e9) / 1e9), [11, -3, 10]);
  // out(p) = v(T(p)) with T a +2 mm shift along x on 2 mm voxels: out[x] = v[x + 1].
  const dims = [5, 3, 2] as const;
  const v = { data: Float32Array.from({ length: 30 }, (_, i) => i), dims, spacing: [2, 2, 2] as [number, number, number], affine: data.centredAffine(dims, [2, 2, 2]) };
  const moved = transformVolume(v, rigidMatrix({ angles: [0, 0, 0], translation: [2, 0, 0], centre: [0, 0, 0] }), -1);
  assert.deepEqual(Array.from(moved.data.subarray(0, 5)), [1, 2, 3, 4, -1]);
  assert.equal(meanPointDistance(m, m, [[1, 2, 3]]), 0);
  assert.equal(meanPointDistance(rigidMatrix({ angles: [0, 0, 0], translation: [3, 4, 0], centre: [0, 0, 0] }), rigidMatrix({ angles: [0, 0, 0], translation: [0, 0, 0], centre: [0, 0, 0] }), [[1, 1, 1], [5, 0, 2]]), 5);
});

test('elastix recovers a known rigid transform of a phantom T1 volume to under 1 mm on brain landmarks', async () => {
  const s = generatePhantomSubject(0, { voxel: 4, seed: 2 });
  const t1 = s.modalities.t1;
  const centre = transformPoint(t1.affine, t1.dims.map((n) => (n - 1) / 2));
  const truth = rigidMatrix({ angles: [0.08, -0.05, 0.1], translation: [4, -3, 2.5], centre });
  const moving = transformVolume(t1, truth);
  const r = await registerRigid(t1, moving, { metric: 'mean-squares' });
  // moving(T(p)) = t1(truth(T(p))) = t1(p) needs T = truth⁻¹.
  const brain = s.labels.data.map((l) => (l === TISSUE_LABEL.gm || l === TISSUE_LABEL.wm ? 1 : 0));
  const points = maskLandmarks(t1, brain, 300, new data.Random(1));
  const error = meanPointDistance(r.transform, transforms.invertAffine(truth), points);
  const before = meanPointDistance(transforms.invertAffine(truth), [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], points);
  console.log(`elastix rigid: landmark error ${error.toFixed(3)} mm (misalignment ${before.toFixed(2)} mm), ${r.seconds.toFixed(1)} s`);
  assert.ok(before > 5, `the misalignment is real (${before} mm)`);
  assert.ok(error < 1, `landmark error ${error} mm`);
  await assert.rejects(registerRigid(t1, { ...moving, data: moving.data.map((v, i) => (i === 7 ? NaN : v)) }), (e: Error) => e instanceof ValueError && /moving volume has NaN/.test(e.message));
});

test("the browser build's registerRigid needs the app's pipeline folder, and says so under Node", async () => {
  const t1 = generatePhantomSubject(0, { voxel: 8, seed: 2 }).modalities.t1;
  await assert.rejects(registerRigidInBrowser(t1, t1, {} as never), (e: Error) => e instanceof ValueError && /pipelinesBaseUrl is required/.test(e.message));
  await assert.rejects(registerRigidInBrowser(t1, t1, { pipelinesBaseUrl: 'http://127.0.0.1:1/pipelines/elastix' }), (e: Error) => e instanceof ValueError && /Node entry/.test(e.message));
});
