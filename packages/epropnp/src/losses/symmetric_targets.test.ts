import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quaternionToMatrix } from '../geometry/rotation.js';
import { axisAngleMatrix, symmetryRotations } from '../render/mesh.js';
import { matrixToQuaternion } from '../geometry/rotation.js';
import { nearestSymmetricPoses, nearestSymmetricTargets } from './symmetric_targets.js';

test('nearestSymmetricTargets picks the reading the network predicts, turning coordinates by S^T and the pose to R S', () => {
  const syms = symmetryRotations({ kind: 'discrete', axis: [0, 0, 1], order: 2 }); // I, half turn about z
  // Two samples of 2 pixels; sample 0 predicts the given reading, sample 1 the turned one.
  const gt = [0.01, 0.02, 0.03, -0.04, 0.01, 0, 0.05, -0.01, 0.02, 0.02, 0.03, -0.01];
  const turned = (i: number) => [-gt[i * 3]!, -gt[i * 3 + 1]!, gt[i * 3 + 2]!];
  const pred = [...gt.slice(0, 6), ...turned(2), ...turned(3)].map((v) => v + 0.001);
  const mask = [1, 1, 1, 1];
  const q = [Math.cos(0.3), 0, Math.sin(0.3), 0];
  const poses = [0.1, 0, 0.7, ...q, -0.1, 0.05, 0.8, ...q];
  const r = nearestSymmetricTargets(pred, gt, mask, poses, syms);
  assert.deepEqual(Array.from(r.chosen), [0, 1]);
  assert.deepEqual(Array.from(r.x3d.subarray(0, 6)), Array.from(Float32Array.from(gt.slice(0, 6))));
  assert.deepEqual(Array.from(r.x3d.subarray(6)), Array.from(Float32Array.from([...turned(2), ...turned(3)])));
  assert.deepEqual(Array.from(r.poses.subarray(0, 7)), poses.slice(0, 7));
  // Sample 1's pose is R S: the same camera point for the turned coordinate.
  const R = quaternionToMatrix(poses, new Float64Array(9), 10);
  const RS = quaternionToMatrix(r.poses, new Float64Array(9), 10);
  const S = axisAngleMatrix([0, 0, 1], Math.PI);
  for (let i = 0; i < 9; i++) {
    const want = R[Math.floor(i / 3) * 3]! * S[i % 3]! + R[Math.floor(i / 3) * 3 + 1]! * S[3 + (i % 3)]! + R[Math.floor(i / 3) * 3 + 2]! * S[6 + (i % 3)]!;
    assert.ok(Math.abs(RS[i]! - want) < 1e-12, `R S entry ${i}`);
  }
  // Masked-out pixels do not vote.
  const masked = nearestSymmetricTargets(pred, gt, [1, 1, 0, 0], poses, syms);
  assert.equal(masked.chosen[1], 0);
});

test('nearestSymmetricPoses picks the reading of the ground truth whose rotation is nearest to the reference', () => {
  const syms = symmetryRotations({ kind: 'discrete', axis: [0, 0, 1], order: 2 });
  const q = [Math.cos(0.3), 0, Math.sin(0.3), 0];
  const poses = [0.1, 0, 0.7, ...q, -0.1, 0.05, 0.8, ...q];
  const R = quaternionToMatrix(poses, new Float64Array(9), 3);
  const S = axisAngleMatrix([0, 0, 1], Math.PI);
  const RS = new Float64Array(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) RS[r * 3 + c] = RS[r * 3 + c]! + R[r * 3 + k]! * S[k * 3 + c]!;
  const turned = Array.from(matrixToQuaternion(RS));
  // Sample 0's solver sits 5 deg from the given reading, sample 1's 5 deg from the turned one
  // (with the quaternion's sign flipped, which is the same rotation); a NaN reference keeps the truth.
  const tilt = (v: number[]) => { const d = Math.cos(0.0436), e = Math.sin(0.0436); return [v[0]! * d - v[1]! * e, v[1]! * d + v[0]! * e, v[2]!, v[3]!]; };
  const reference = [0, 0, 0.7, ...tilt(q), 0, 0, 0.8, ...tilt(turned).map((v) => -v)];
  const out = nearestSymmetricPoses(reference, poses, syms);
  // Sample 0 keeps its rotation (up to rounding), sample 1 takes R S; translations never change.
  for (let i = 0; i < 7; i++) assert.ok(Math.abs(Math.abs(out[i]!) - Math.abs(poses[i]!)) < 1e-12, `sample 0, entry ${i}`);
  assert.deepEqual(Array.from(out.subarray(7, 10)), poses.slice(7, 10));
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(Math.abs(out[10 + i]!) - Math.abs(turned[i]!)) < 1e-12, `turned quaternion ${i}`);
  assert.deepEqual(Array.from(nearestSymmetricPoses([0, 0, 0, NaN, NaN, NaN, NaN, ...reference.slice(7)], poses, syms).subarray(0, 7)), poses.slice(0, 7));
});
