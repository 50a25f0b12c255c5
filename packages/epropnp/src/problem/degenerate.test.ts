import assert from 'node:assert/strict';
import { test } from 'node:test';
import { data, ValueError } from '@lacuna/core';
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

/** Object points and their projections at a random pose (N 50, LineMOD camera), plus noise. */
function problem(seed: number, noise: number, outliers = 0) {
  return syntheticProblems({ B: 1, N: 50, seed, noise, outliers });
}

test('all 2-D points in one place: flagged coincident-2d, an error naming it by default (was: ok, cost 5e-9)', () => {
  const sp = problem(1, 0);
  const x2d = sp.x2d.map((_, i) => (i % 2 ? 240 : 320));
  const sol = solvePnPBatch(makePnPBatch({ x3d: sp.x3d, x2d, camera: sp.camera, N: 50 }), { onDegenerate: 'flag' });
  assert.equal(sol.status[0], 'coincident-2d');
  assert.throws(() => solvePnP(sp.x3d, x2d, sp.camera), /problem 0 is degenerate: the weighted 2D points all coincide/);
});

test('the adaptive Huber threshold has a floor of 0.01 focal lengths of spread', () => {
  const sp = problem(1, 0);
  // Points 0.5 px apart: the spread (~0.5 px) is below the floor 0.01 f = 5.73 px.
  const x2d = sp.x2d.map((_v, i) => (i % 2 ? 240 : 320) + 0.5 * Math.sin(i));
  const batch = makePnPBatch({ x3d: sp.x3d, x2d, camera: sp.camera, N: 50, relativeDelta: 0.1 });
  const f = Math.sqrt(LINEMOD_INTRINSICS.fx * LINEMOD_INTRINSICS.fy);
  assert.ok(Math.abs(batch.delta[0]! - 0.01 * f * 0.1) < 1e-12, `delta ${batch.delta[0]}`);
  // Above the floor the threshold is EPro-PnP's: 0.1 x the spread of the points.
  const ok = makePnPBatch({ x3d: sp.x3d, x2d: sp.x2d, camera: sp.camera, N: 50, relativeDelta: 0.1 });
  assert.ok(ok.delta[0]! > 0.01 * f * 0.1 * 2);
});

test('random 2-D points: poor-fit with its pose kept and a covariance scaled by the residuals (was: ok, 2 mm)', () => {
  for (const seed of [1, 2, 3]) {
    const sp = problem(seed, 1);
    const rng = new data.Random(seed);
    const x2d = sp.x2d.map(() => rng.uniform(0, 640));
    const sol = solvePnPBatch(makePnPBatch({ x3d: sp.x3d, x2d, camera: sp.camera, N: 50 }), { onDegenerate: 'flag', withCovariance: true });
    assert.equal(sol.status[0], 'poor-fit');
    assert.ok(Number.isFinite(sol.pose[2]!), 'a poor fit keeps its pose');
    const zStdMm = Math.sqrt(sol.covariance![2 * 6 + 2]!) * 1000;
    assert.ok(zStdMm > 300, `depth std ${zStdMm.toFixed(0)} mm`);
    assert.throws(() => solvePnP(sp.x3d, x2d, sp.camera), /problem 0 is degenerate: the best pose leaves residuals far above the noise level/);
  }
});

test('an object behind the camera is flagged behind-camera from the default EPnP start (was: ok, in front)', () => {
  for (const seed of [1, 2, 3]) {
    const sp = problem(seed, 0);
    const K = sp.camera.K;
    const x3d = sp.x3d.slice();
    const x2d = new Float64Array(100);
    for (let p = 0; p < 50; p++) {
      const X = x3d[p * 3]!, Y = x3d[p * 3 + 1]!, Z = x3d[p * 3 + 2]! - 0.8; // object centred 0.8 m behind the camera
      x3d[p * 3 + 2] = Z;
      x2d[p * 2] = (K[0]! * X) / Z + K[2]!;
      x2d[p * 2 + 1] = (K[4]! * Y) / Z + K[5]!;
    }
    const sol = solvePnPBatch(makePnPBatch({ x3d, x2d, camera: sp.camera, N: 50 }), { onDegenerate: 'flag' });
    assert.equal(sol.status[0], 'behind-camera', `seed ${seed}`);
  }
});

test('honest fits stay ok: 3 px noise, 25 % outliers, a small distant object', () => {
  for (const seed of [1, 2, 3]) {
    const cases = [problem(seed, 3), problem(seed, 1, 0.25), syntheticProblems({ B: 1, N: 50, seed, noise: 1, depth: [3, 4] })];
    for (const [i, sp] of cases.entries()) {
      const sol = solvePnPBatch(makePnPBatch({ x3d: sp.x3d, x2d: sp.x2d, camera: sp.camera, N: 50 }), { onDegenerate: 'flag' });
      assert.equal(sol.status[0], 'ok', `seed ${seed}, case ${i}`);
    }
  }
});
