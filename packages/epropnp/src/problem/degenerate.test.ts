import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueError } from '@lacuna/core';
import { syntheticProblems } from '../testing/synthetic_problems.js';
import { makePnPBatch } from './pnp_batch.js';
import { solvePnPBatch, solvePnP } from '../solver/solve_pnp.js';
import { LINEMOD_INTRINSICS, makeCamera } from '../geometry/camera.js';

const N = 12;

/** Four problems: fine, NaN in x2d, all-zero weights, only 3 weighted points. */
function mixedBatch() {
  const sp = syntheticProblems({ B: 4, N, seed: 1 });
  const x2d = sp.x2d.slice();
  x2d[N * 2 + 5] = NaN;
  const w2d = new Float64Array(4 * N * 2).fill(1);
  w2d.fill(0, 2 * N * 2, 3 * N * 2);
  w2d.fill(0, 3 * N * 2 + 6, 4 * N * 2);
  return { ...sp, x2d, w2d };
}

test('degenerate problems are flagged per problem, and the rest are still solved', () => {
  const m = mixedBatch();
  const batch = makePnPBatch({ x3d: m.x3d, x2d: m.x2d, w2d: m.w2d, camera: m.camera, N });
  assert.deepEqual(batch.status, ['ok', 'non-finite', 'zero-weights', 'too-few-points']);
  const sol = solvePnPBatch(batch, { onDegenerate: 'flag' });
  assert.ok(Number.isFinite(sol.pose[0]!) && sol.cost[0]! < 1e-15);
  for (let b = 1; b < 4; b++) assert.ok(Number.isNaN(sol.pose[b * 7]!), 'flagged problems have no pose');
});

test('by default the first degenerate problem is an error naming it and the reason', () => {
  const m = mixedBatch();
  const batch = makePnPBatch({ x3d: m.x3d, x2d: m.x2d, w2d: m.w2d, camera: m.camera, N });
  assert.throws(() => solvePnPBatch(batch), (e: unknown) => e instanceof ValueError && /problem 1 is degenerate: x3d, x2d or w2d holds NaN/.test(e.message) && /3 of 4 problems/.test(e.message));
});

test('collinear 3D points are rejected', () => {
  const x3d = Float64Array.from({ length: N * 3 }, (_, i) => (i % 3 === 0 ? i * 0.01 : i % 3 === 1 ? i * 0.02 : 0.5));
  const x2d = Float64Array.from({ length: N * 2 }, (_, i) => 300 + i);
  assert.throws(() => solvePnP(x3d, x2d, makeCamera(LINEMOD_INTRINSICS).K), /collinear/);
});

test('a solution that leaves the weighted points behind the camera is flagged, not returned', () => {
  // Image points of the object mirrored through the camera centre (z -> -z): the projection
  // is the same as for a pose behind the camera, so no pose in front explains them.
  const sp = syntheticProblems({ B: 1, N: 20, seed: 2 });
  const camera = makeCamera(LINEMOD_INTRINSICS);
  const x3d = sp.x3d.slice();
  const pose = sp.poseGt;
  // Build camera-frame points at negative depth and use them directly as object points with
  // the identity pose: their projections are well defined, but lie behind the camera.
  const K = camera.K;
  const x2d = new Float64Array(40);
  for (let p = 0; p < 20; p++) {
    const X = x3d[p * 3]!, Y = x3d[p * 3 + 1]!, Z = x3d[p * 3 + 2]! - pose[2]!;
    x3d[p * 3 + 2] = Z;
    x2d[p * 2] = (K[0]! * X) / Z + K[2]!;
    x2d[p * 2 + 1] = (K[4]! * Y) / Z + K[5]!;
  }
  const batch = makePnPBatch({ x3d, x2d, camera, N: 20 });
  const sol = solvePnPBatch(batch, { onDegenerate: 'flag', poseInit: [0, 0, 0, 1, 0, 0, 0] });
  assert.equal(sol.status[0], 'behind-camera');
  assert.ok(Number.isNaN(sol.pose[0]!));
});

test('shape errors and negative weights name the field', () => {
  const sp = syntheticProblems({ B: 2, N, seed: 1 });
  assert.throws(() => makePnPBatch({ x3d: sp.x3d, x2d: sp.x2d.subarray(1), camera: sp.camera, N }), /x2d must be \[B=2, N=12, 2\]/);
  const w = new Float64Array(2 * N * 2).fill(1);
  w[7] = -1;
  assert.throws(() => makePnPBatch({ x3d: sp.x3d, x2d: sp.x2d, w2d: w, camera: sp.camera, N }), /w2d must be >= 0, problem 0 point 3/);
});
