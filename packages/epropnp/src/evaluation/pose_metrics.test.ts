import assert from 'node:assert/strict';
import { test } from 'node:test';
import { axisAngleMatrix, symmetryRotations } from '../render/mesh.js';
import { addError, addSError, mspdError, mssdError, poseAccuracy, poseErrors, projectionError2d, rotationErrorDeg, translationErrorCm, type PoseErrors } from './pose_metrics.js';

const close = (a: number, b: number, tol = 1e-9, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);
const I = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
// A square of half-side 0.05 in the xy plane plus a point on the z axis (symmetric under 90° about z).
const square = Float64Array.of(0.05, 0.05, 0, -0.05, 0.05, 0, -0.05, -0.05, 0, 0.05, -0.05, 0, 0, 0, 0.02);

test('ADD of a pure translation offset is that offset; ADD-S too', () => {
  const gt = Float64Array.of(0.1, -0.05, 0.8, 1, 0, 0, 0);
  const est = Float64Array.of(0.1 + 0.003, -0.05 - 0.004, 0.8, 1, 0, 0, 0);
  close(addError(est, gt, square), 0.005, 1e-12, 'ADD');
  // Closest estimated vertex to each true vertex is its own copy (offset 5 mm < spacing 10 cm).
  close(addSError(est, gt, square), 0.005, 1e-12, 'ADD-S');
  close(translationErrorCm(est, gt), 0.5, 1e-9, 'cm');
  close(rotationErrorDeg(est, gt), 0, 1e-6, 'deg');
});

test('ADD-S is 0 under the symmetry rotation while ADD is not; symmetric rotation error is 0', () => {
  const R = axisAngleMatrix([0, 0, 1], Math.PI / 2);
  const t = [0, 0, 1];
  const gt = { R: I, t }, est = { R, t };
  close(addSError(est, gt, square), 0, 1e-12, 'ADD-S');
  // Corners move to their neighbours (2 x 0.05 = 0.1 m), the axis point stays: mean 0.4 / 5.
  close(addError(est, gt, square), 0.08, 1e-12, 'ADD');
  close(rotationErrorDeg(est, gt), 90, 1e-9, 'deg');
  close(rotationErrorDeg(est, gt, symmetryRotations({ kind: 'discrete', axis: [0, 0, 1], order: 4 })), 0, 1e-6, 'symmetric deg');
});

test('rotation error of a 30° turn, from quaternions and from matrices', () => {
  const h = (30 * Math.PI) / 360;
  const gt = Float64Array.of(0, 0, 1, 1, 0, 0, 0);
  const est = Float64Array.of(0.03, 0.04, 1, Math.cos(h), Math.sin(h), 0, 0);
  close(rotationErrorDeg(est, gt), 30, 1e-9, 'quaternion');
  close(rotationErrorDeg({ R: axisAngleMatrix([0, 1, 0], -Math.PI / 6), t: [0, 0, 0] }, { R: I, t: [0, 0, 0] }), 30, 1e-9, 'matrix');
  close(translationErrorCm(est, gt), 5, 1e-9, 'cm');
});

test('2D projection error of a sideways shift at two depths', () => {
  // Points at depth 1 and 2 m, shifted 1 cm in x: shifts of 500·0.01/1 = 5 and 500·0.01/2 = 2.5 px.
  const pts = Float64Array.of(0, 0, 0, 0, 0, 1);
  const gt = { R: I, t: [0, 0, 1] }, est = { R: I, t: [0.01, 0, 1] };
  close(projectionError2d(est, gt, pts, { fx: 500, fy: 400, cx: 320, cy: 240 }), 3.75, 1e-9, 'px');
  close(projectionError2d(est, gt, pts, [500, 0, 320, 0, 400, 240, 0, 0, 1]), 3.75, 1e-9, 'px (matrix)');
  // A shift in y uses fy.
  close(projectionError2d({ R: I, t: [0, 0.01, 1] }, gt, pts, { fx: 500, fy: 400, cx: 320, cy: 240 }), 3, 1e-9, 'px (y)');
});

test('pass rates at the LineMOD thresholds', () => {
  const d = 0.1;
  const e = (add: number, rotationDeg: number, translationCm: number, projectionPx: number): PoseErrors => ({ add, addS: add / 2, rotationDeg, translationCm, projectionPx, mssd: add * 2, mspd: projectionPx * 2 });
  const errors = [e(0.001, 1, 1, 1), e(0.003, 3, 1, 4), e(0.007, 1, 6, 6), e(0.03, 10, 10, 20)];
  const acc = poseAccuracy(errors, d, false);
  assert.deepEqual(acc.add, { '0.02': 1 / 4, '0.05': 2 / 4, '0.1': 3 / 4 });
  assert.deepEqual(acc.degCm, { '2deg2cm': 1 / 4, '5deg5cm': 2 / 4 });
  assert.equal(acc.proj5px, 2 / 4);
  close(acc.medianAddOverDiameter, 0.05, 1e-12, 'median');
  close(acc.meanRotationDeg, 15 / 4, 1e-12, 'mean deg');
  // MSSD 0.002, 0.006, 0.014, 0.06 against 0.005..0.05 (d = 0.1): passes 3,3,3,4,4... of the 10 thresholds.
  const mssdPasses = [0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.045, 0.05].reduce((n, t) => n + [0.002, 0.006, 0.014, 0.06].filter((m) => m < t).length, 0);
  close(acc.arMssd, mssdPasses / 40, 1e-12, 'AR MSSD');
  // MSPD 2, 8, 12, 40 px against 5, 10, ..., 50 px (strictly below): 1+2+3+3+3+3+3+3+4+4 = 29 passes of 40.
  close(acc.arMspd, 29 / 40, 1e-12, 'AR MSPD');
  const sym = poseAccuracy(errors, d, true);
  assert.equal(sym.addKind, 'ADD-S');
  assert.deepEqual(sym.add, { '0.02': 2 / 4, '0.05': 3 / 4, '0.1': 3 / 4 });
});

test('poseErrors combines the metrics; bad poses are rejected', () => {
  const gt = Float64Array.of(0, 0, 1, 1, 0, 0, 0);
  const errs = poseErrors(Float64Array.of(0.01, 0, 1, 1, 0, 0, 0), gt, { vertices: square, diameter: 0.15 }, { fx: 500, fy: 500, cx: 0, cy: 0 });
  close(errs.add, 0.01, 1e-12, 'add');
  close(errs.translationCm, 1, 1e-9, 'cm');
  assert.ok(errs.projectionPx > 4.9 && errs.projectionPx < 5);
  assert.throws(() => addError([0, 0, 1], gt, square), /7 numbers/);
  assert.throws(() => addError(gt, gt, [1, 2]), /\[V, 3\]/);
});

test('MSSD and MSPD: max vertex distances, the smallest over the symmetric truths (hand-computed)', () => {
  // A 2 x 1 rectangle in z = 0 at 1 m; the estimate is the truth turned by 180 deg about z.
  const rect = [1, 0.5, 0, -1, 0.5, 0, -1, -0.5, 0, 1, -0.5, 0].map((v) => v * 0.1);
  const truth = { R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 1] };
  const turned = { R: [-1, 0, 0, 0, -1, 0, 0, 0, 1], t: [0, 0, 1] };
  // Without symmetry every corner moves to the opposite one: 2 * hypot(0.1, 0.05).
  close(mssdError(turned, truth, rect), 2 * Math.hypot(0.1, 0.05), 1e-12, 'mssd');
  close(mspdError(turned, truth, rect, { fx: 500, fy: 500, cx: 0, cy: 0 }), 500 * 2 * Math.hypot(0.1, 0.05), 1e-9, 'mspd');
  // With the 2-fold symmetry about z the turn is no error at all.
  const half = [-1, 0, 0, 0, -1, 0, 0, 0, 1];
  close(mssdError(turned, truth, rect, [half]), 0, 1e-12, 'mssd sym');
  close(mspdError(turned, truth, rect, { fx: 500, fy: 500, cx: 0, cy: 0 }, [half]), 0, 1e-9, 'mspd sym');
  // A 1 cm shift along x: MSSD 1 cm, MSPD 5 px at f = 500, 1 m.
  close(mssdError({ R: truth.R, t: [0.01, 0, 1] }, truth, rect, [half]), 0.01, 1e-12, 'shift');
  close(mspdError({ R: truth.R, t: [0.01, 0, 1] }, truth, rect, { fx: 500, fy: 500, cx: 0, cy: 0 }), 5, 1e-9, 'shift px');
});

test('the symmetry-mode check: an opposite peak of 20 % within 180 +- 20 deg; the box is its own twin', async () => {
  const { hasOppositePeak, twinReprojectionPx } = await import('./symmetry_modes.js');
  const { loadObject } = await import('../render/objects.js');
  const n = 72;
  const bump = (centre: number, h: number) => Array.from({ length: n }, (_, i) => h * Math.exp(-((((i - centre + n / 2 + n) % n) - n / 2) ** 2) / 4));
  const sum = (a: number[], b: number[]) => a.map((v, i) => v + b[i]!);
  assert.equal(hasOppositePeak(sum(bump(10, 1), bump(46, 0.3))), true, '180 deg away, 30 %');
  assert.equal(hasOppositePeak(sum(bump(10, 1), bump(46, 0.1))), false, 'too low');
  assert.equal(hasOppositePeak(sum(bump(10, 1), bump(30, 0.5))), false, '100 deg away');
  assert.equal(hasOppositePeak(sum(bump(10, 1), bump(49, 0.5))), true, '195 deg away (5 deg bins): within 20');
  assert.equal(hasOppositePeak(sum(bump(10, 1), bump(52, 0.5))), false, '210 deg away: outside');
  const box = loadObject('box');
  const K = { fx: 572.41, fy: 573.57, cx: 325.26, cy: 242.05 };
  const pose = [0.02, -0.01, 0.7, Math.cos(0.4), 0.3, Math.sin(0.4) * 0.5, 0.2];
  const q = Math.hypot(pose[3]!, pose[4]!, pose[5]!, pose[6]!);
  for (let k = 3; k < 7; k++) pose[k] = pose[k]! / q;
  assert.ok(twinReprojectionPx(box.mesh.vertices, pose, [0, 0, 1], K) < 1e-6, 'the box under its half turn projects onto itself');
  assert.ok(twinReprojectionPx(loadObject('bunny').mesh.vertices, pose, [0, 0, 1], K) > 5, 'the bunny does not');
});
