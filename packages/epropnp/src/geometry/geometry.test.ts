import assert from 'node:assert/strict';
import { test } from 'node:test';
import { data } from '@lacuna/core';
import { matrixToQuaternion, quaternionToMatrix, yawToMatrix, quaternionAngleDeg, rotationAngleDeg } from './rotation.js';
import { matrixToRvec, rvecToMatrix, poseFromRvecTvec, poseToRvecTvec } from './rodrigues.js';
import { makeCamera, projectPoints } from './camera.js';
import { addPoseStep } from './pose_step.js';
import { randomQuaternion } from '../testing/synthetic_problems.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};

test('quaternion of 90 degrees about z is the closed-form matrix', () => {
  const h = Math.SQRT1_2;
  close(quaternionToMatrix([h, 0, 0, h]), [0, -1, 0, 1, 0, 0, 0, 0, 1], 1e-15, 'R');
  close(yawToMatrix(Math.PI / 2), [0, 0, 1, 0, 1, 0, -1, 0, 0], 1e-15, 'yaw');
});

test('matrix -> quaternion -> matrix round trips, including rotations near 180 degrees', () => {
  const rng = new data.Random(3);
  const qs = [randomQuaternion(rng), randomQuaternion(rng), Float64Array.of(1e-9, 1, 0, 0), Float64Array.of(0, 0, Math.SQRT1_2, Math.SQRT1_2)];
  for (const q of qs) {
    const R = quaternionToMatrix(q);
    const back = quaternionToMatrix(matrixToQuaternion(R));
    close(back, R, 1e-14, 'R');
    assert.ok(quaternionAngleDeg(q, matrixToQuaternion(R)) < 1e-6);
  }
});

test('Rodrigues: rvec [0, 0, pi/2] and a random round trip', () => {
  close(rvecToMatrix([0, 0, Math.PI / 2]), [0, -1, 0, 1, 0, 0, 0, 0, 1], 1e-15, 'R');
  close(matrixToRvec([0, -1, 0, 1, 0, 0, 0, 0, 1]), [0, 0, Math.PI / 2], 1e-15, 'rvec');
  const rvec = [0.3, -1.2, 2.0];
  close(matrixToRvec(rvecToMatrix(rvec)), rvec, 1e-14, 'rvec');
  const pose = poseFromRvecTvec(rvec, [0.1, 0.2, 0.9]);
  const cv = poseToRvecTvec(pose);
  close(cv.rvec, rvec, 1e-14, 'rvec');
  close(cv.tvec, [0.1, 0.2, 0.9], 0, 'tvec');
  assert.ok(rotationAngleDeg(rvecToMatrix([0, 0, 0.5]), rvecToMatrix([0, 0, 0.2])) - (0.3 * 180) / Math.PI < 1e-9);
});

test('projection: hand-computed pixel, z clamp and clipping to the image bounds', () => {
  const cam = makeCamera({ fx: 500, fy: 400, cx: 320, cy: 240 });
  const pose = [0.1, -0.05, 2, 1, 0, 0, 0];
  close(projectPoints([0.2, 0.1, 0], pose, cam), [320 + (500 * 0.3) / 2, 240 + (400 * 0.05) / 2], 1e-12, 'uv');
  // Behind the camera: projected as if at zMin.
  close(projectPoints([0, 0, -3], pose, cam), [320 + (500 * 0.1) / 0.01, 240 - (400 * 0.05) / 0.01], 1e-9, 'clamped');
  const clipped = makeCamera({ fx: 500, fy: 400, cx: 320, cy: 240 }, { imageShape: [480, 640], allowedBorder: 10 });
  close(projectPoints([0, 0, -3], pose, clipped), [649.5, -10.5], 1e-12, 'clipped');
  assert.throws(() => makeCamera([1, 0, 0, 0, 1, 0, 0, 0]), /9 numbers/);
  assert.throws(() => makeCamera({ fx: -1, fy: 1, cx: 0, cy: 0 }), /focal lengths must be positive/);
});

test('a local step dtheta moves camera points by 2 (R x) x dtheta (first order)', () => {
  const rng = new data.Random(5);
  const q = randomQuaternion(rng);
  const pose = Float64Array.of(0, 0, 0, ...q);
  const x = [0.3, -0.2, 0.5];
  const R = quaternionToMatrix(q);
  const rx = [0, 1, 2].map((r) => R[r * 3]! * x[0]! + R[r * 3 + 1]! * x[1]! + R[r * 3 + 2]! * x[2]!);
  const h = 1e-7;
  const dtheta = [0.3, -0.5, 0.8].map((v) => v * h);
  const moved = new Float64Array(7);
  addPoseStep(pose, 0, [0, 0, 0, ...dtheta], 0, 6, moved, 0);
  const R2 = quaternionToMatrix(moved, new Float64Array(9), 3);
  const rx2 = [0, 1, 2].map((r) => R2[r * 3]! * x[0]! + R2[r * 3 + 1]! * x[1]! + R2[r * 3 + 2]! * x[2]!);
  const expected = [
    2 * (rx[1]! * dtheta[2]! - rx[2]! * dtheta[1]!),
    2 * (rx[2]! * dtheta[0]! - rx[0]! * dtheta[2]!),
    2 * (rx[0]! * dtheta[1]! - rx[1]! * dtheta[0]!),
  ];
  close(rx2.map((v, i) => v - rx[i]!), expected, 1e-13, 'dx');
});
