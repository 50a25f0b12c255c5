import { test } from 'node:test';
import assert from 'node:assert/strict';
import { data } from '@lacuna/core';
import { LINEMOD_INTRINSICS, makeCamera } from '../geometry/camera.js';
import { quaternionAngleDeg, quaternionToMatrix } from '../geometry/rotation.js';
import { costAt } from '../cost/reprojection.js';
import { makePnPBatch } from '../problem/pnp_batch.js';
import { solvePnP } from './solve_pnp.js';
import { solvePnPRansac } from './ransac.js';

const camera = makeCamera(LINEMOD_INTRINSICS);

/** N points in a 10 cm cube seen at 0.7 m, 0.5 px noise; a share of them replaced by random pixels. */
function problem(N: number, outlierShare: number, seed: number) {
  const rng = new data.Random(seed);
  const q = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
  const nq = Math.hypot(...q);
  const pose = Float64Array.of(0.03, -0.02, 0.7, ...q.map((v) => v / nq));
  const x3d = Float64Array.from({ length: N * 3 }, () => rng.uniform(-0.05, 0.05));
  const R = quaternionToMatrix(pose, new Float64Array(9), 3);
  const K = camera.K;
  const x2d = new Float64Array(N * 2);
  const outlier = new Uint8Array(N);
  for (let p = 0; p < N; p++) {
    const [X, Y, Z] = [x3d[p * 3]!, x3d[p * 3 + 1]!, x3d[p * 3 + 2]!];
    const xc = R[0]! * X + R[1]! * Y + R[2]! * Z + pose[0]!, yc = R[3]! * X + R[4]! * Y + R[5]! * Z + pose[1]!, zc = R[6]! * X + R[7]! * Y + R[8]! * Z + pose[2]!;
    x2d[p * 2] = (K[0]! * xc) / zc + K[2]! + 0.5 * rng.normal();
    x2d[p * 2 + 1] = (K[4]! * yc) / zc + K[5]! + 0.5 * rng.normal();
  }
  const count = Math.round(outlierShare * N);
  for (const p of rng.permutation(N).slice(0, count)) {
    outlier[p] = 1;
    x2d[p * 2] = rng.uniform(0, 640);
    x2d[p * 2 + 1] = rng.uniform(0, 480);
  }
  return { x3d, x2d, pose, outlier };
}

test('solvePnPRansac recovers the pose with 30 % outliers and returns the inliers', () => {
  for (const seed of [1, 2, 3]) {
    const { x3d, x2d, pose, outlier } = problem(100, 0.3, seed);
    const r = solvePnPRansac(x3d, x2d, camera.K, { seed });
    const rot = quaternionAngleDeg(r.pose, pose, 3, 3);
    const trans = Math.hypot(r.pose[0]! - pose[0]!, r.pose[1]! - pose[1]!, r.pose[2]! - pose[2]!);
    assert.ok(rot < 0.5, `seed ${seed}: rotation error ${rot} deg`);
    assert.ok(trans < 0.005, `seed ${seed}: translation error ${trans} m`);
    const trueInliers = outlier.reduce((n, o) => n + (o ? 0 : 1), 0);
    const caught = Array.from(r.inliers).filter((p) => !outlier[p]).length;
    const wrong = r.inliers.length - caught;
    assert.ok(caught >= 0.97 * trueInliers, `seed ${seed}: ${caught} of ${trueInliers} inliers found`);
    assert.ok(wrong <= 2, `seed ${seed}: ${wrong} outliers taken as inliers`);
    assert.ok(r.iterations >= 1 && r.iterations <= 100);
  }
});

test('solvePnPRansac: bad input and hopeless data are errors that say why', () => {
  const { x3d, x2d } = problem(20, 0, 1);
  assert.throws(() => solvePnPRansac(x3d, x2d.subarray(0, 10), camera.K), /objectPoints \[N, 3\] and imagePoints \[N, 2\] disagree/);
  assert.throws(() => solvePnPRansac(x3d, x2d, camera.K, { minimalSet: 3 }), /minimalSet must be an integer >= 4/);
  const rng = new data.Random(5);
  const noise = Float64Array.from({ length: 40 }, (_, i) => (i % 2 ? rng.uniform(0, 480) : rng.uniform(0, 640)));
  assert.throws(() => solvePnPRansac(x3d, noise, camera.K, { reprojectionError: 0.01 }), /no hypothesis has 6 inliers within 0.01 px/);
});

test('the Cauchy kernel: cost sum (c^2/2) log(1 + s^2/c^2), hand-computed; it shrugs off outliers that pull Huber', () => {
  // Four points, unit weights, fixed delta c = 2 px, a pose with residuals 5, 1, 0 and 0 px.
  const x3d = [0, 0, 0, 0.01, 0, 0, 0, 0.01, 0, 0, 0, 0.01];
  const pose = Float64Array.of(0, 0, 1, 1, 0, 0, 0);
  const K = camera.K;
  const x2d = [K[2]! + 3, K[5]! + 4, K[0]! * 0.01 + K[2]!, K[5]! - 1, K[2]!, (K[4]! * 0.01) + K[5]!, K[2]!, K[5]!];
  const batch = makePnPBatch({ x3d, x2d, camera, N: 4, B: 1, delta: 2, kernel: 'cauchy' });
  const expected = 0.5 * 4 * Math.log(1 + 25 / 4) + 0.5 * 4 * Math.log(1 + 1 / 4);
  assert.ok(Math.abs(costAt(batch, 0, pose, 0) - expected) < 1e-9, `${costAt(batch, 0, pose, 0)} vs ${expected}`);
  const huber = makePnPBatch({ x3d, x2d, camera, N: 4, B: 1, delta: 2 });
  assert.ok(Math.abs(costAt(huber, 0, pose, 0) - (2 * 5 - 2 + 0.5)) < 1e-9);
  assert.throws(() => makePnPBatch({ x3d, x2d, camera, N: 4, B: 1, kernel: 'tukey' as never }), /kernel must be 'huber' or 'cauchy'/);

  // 30 % gross outliers, started from the truth: Cauchy stays closer than Huber.
  let cauchyBetter = 0;
  for (const seed of [1, 2, 3, 4]) {
    const { x3d: X, x2d: x, pose: truth } = problem(100, 0.3, seed);
    const err = (kernel: 'huber' | 'cauchy') => {
      const r = solvePnP(X, x, camera.K, { kernel, poseInit: truth });
      return quaternionAngleDeg(r.pose, truth, 3, 3) + 100 * Math.hypot(r.pose[0]! - truth[0]!, r.pose[1]! - truth[1]!, r.pose[2]! - truth[2]!);
    };
    const c = err('cauchy'), h = err('huber');
    assert.ok(c < 0.5, `seed ${seed}: Cauchy error ${c}`);
    if (c < h) cauchyBetter += 1;
  }
  assert.ok(cauchyBetter >= 3, `Cauchy beat Huber on ${cauchyBetter} of 4 problems`);
});
