import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { tf, initBackend } from '@lacuna/core';
import { numericGrad, relMaxError } from '@lacuna/core/testing';
import { CT_HU } from '../phantom/tissues.js';
import { huSoftClasses, huThresholdLoss, normalisedToHu } from './hu_classes.js';
import { taskTerm } from '../losses/task_terms.js';

before(async () => {
  await initBackend();
});

const toNorm = (h: number) => (2 * (h + 1000)) / 3000 - 1; // CT window [−1000, 2000] → [−1, 1]
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
/** Hand memberships [air, fat, soft, bone] at HU h, thresholds −500, −30, 300. */
function members(h: number, tau = 20): number[] {
  const s = [-500, -30, 300].map((t) => sigmoid((h - t) / tau));
  return [1 - s[0]!, s[0]! - s[1]!, s[1]! - s[2]!, s[2]!];
}
const ct = (hu: number[]) => tf.tensor4d(hu.map(toNorm), [1, 1, hu.length, 1]);

test('soft HU memberships of known HU values match the hand sigmoids, sum to 1, and put phantom tissues in their classes', () => {
  const hu = [-1000, -500, -100, -30, 8, 40, 300, 1000, 2000];
  const x = ct(hu);
  const got = tf.tidy(() => Array.from(huSoftClasses(x).dataSync()));
  hu.forEach((h, i) => {
    const want = members(h);
    want.forEach((w, k) => assert.ok(Math.abs(got[i * 4 + k]! - w) < 1e-4, `HU ${h} class ${k}: ${got[i * 4 + k]} vs ${w}`));
    assert.ok(Math.abs(got.slice(i * 4, i * 4 + 4).reduce((s, v) => s + v, 0) - 1) < 1e-5);
  });
  // At a threshold the two neighbouring classes share the pixel half and half.
  assert.ok(Math.abs(got[1 * 4 + 0]! - 0.5) < 1e-4 && Math.abs(got[1 * 4 + 1]! - 0.5) < 1e-3);
  const hard = (h: number) => { const m = members(h); return m.indexOf(Math.max(...m)); };
  assert.deepEqual([CT_HU.background, CT_HU.fat, CT_HU.csf, CT_HU.gm, CT_HU.wm, CT_HU.scalp, CT_HU.lesion, CT_HU.skull].map(hard), [0, 1, 2, 2, 2, 2, 2, 3]);
  const back = tf.tidy(() => Array.from(normalisedToHu(x).dataSync()));
  back.forEach((h, i) => assert.ok(Math.abs(h - hu[i]!) < 0.05));
  x.dispose();
});

test('huThreshold loss = mean total-variation distance of the memberships; 0 for equal images; the hard limit counts class flips', () => {
  const realHu = [-1000, -100, 40, 1000, 40, 40];
  const fakeHu = [-1000, 40, 40, 200, 310, -480];
  const want = realHu.reduce((s, h, i) => s + 0.5 * members(h).reduce((t, m, k) => t + Math.abs(m - members(fakeHu[i]!)[k]!), 0), 0) / realHu.length;
  const [real, fake] = [ct(realHu), ct(fakeHu)];
  const got = tf.tidy(() => huThresholdLoss(fake, real).dataSync()[0]!);
  assert.ok(Math.abs(got - want) < 1e-4, `${got} vs ${want}`);
  assert.ok(Math.abs(tf.tidy(() => taskTerm({ kind: 'huThreshold', weight: 5 }, { fake, real }).dataSync()[0]!) - want) < 1e-4);
  assert.equal(tf.tidy(() => huThresholdLoss(real, real).dataSync()[0]!), 0);
  // τ → 0: 4 of 6 pixels change class (fat → soft, bone → soft, soft → bone, soft → fat).
  const sharp = tf.tidy(() => huThresholdLoss(fake, real, { tau: 0.01 }).dataSync()[0]!);
  assert.ok(Math.abs(sharp - 4 / 6) < 1e-4, `${sharp}`);
  tf.dispose([real, fake]);
});

test('huThreshold gradient matches finite differences (τ = 100 HU) and vanishes far from the thresholds', () => {
  const real = ct([-1000, -100, 40, 1000]);
  const fake = ct([-450, -60, 250, 350]);
  const f = (x: tf.Tensor) => huThresholdLoss(x as tf.Tensor4D, real, { tau: 100 });
  const analytic = tf.tidy(() => Array.from(tf.grad(f)(fake).dataSync()));
  const numeric = numericGrad(f, [fake], 0, [0, 1, 2, 3], 2e-3);
  assert.ok(analytic.every((g) => Math.abs(g) > 1e-2), `${analytic}`);
  assert.ok(relMaxError(analytic, numeric) < 2e-2, `analytic ${analytic} numeric ${numeric}`);
  const far = ct([1500]);
  const g = tf.tidy(() => tf.grad((x: tf.Tensor) => huThresholdLoss(x as tf.Tensor4D, ct([-1000])))(far).dataSync()[0]!);
  assert.ok(Math.abs(g) < 1e-6, `${g}`);
  tf.dispose([real, fake, far]);
});

test('bad HU options and shapes throw, naming the function', () => {
  const x = ct([0, 0]);
  assert.throws(() => huSoftClasses(x, { tau: 0 }), /huSoftClasses: tau/);
  assert.throws(() => huSoftClasses(x, { thresholds: [0, -10] }), /ascending/);
  assert.throws(() => huSoftClasses(tf.zeros([1, 2, 2, 2]) as tf.Tensor4D), /huSoftClasses: CT must be \[B, H, W, 1\]/);
  assert.throws(() => huThresholdLoss(x, ct([0, 0, 0])), /huThresholdLoss/);
  x.dispose();
});
