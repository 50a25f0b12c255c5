import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constantLr, cosineLr, inverseLr, linearDecayLr, multiStepLr, polyLr, stepLr } from './schedules.js';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test('constantLr and stepLr', () => {
  assert.equal(constantLr(0.3)(1000), 0.3);
  const s = stepLr({ lr: 0.1, stepSize: 10, gamma: 0.5 });
  assert.deepEqual([0, 9, 10, 19, 20, 35].map(s), [0.1, 0.1, 0.05, 0.05, 0.025, 0.0125]);
  const m = multiStepLr({ lr: 1, milestones: [30, 10], gamma: 0.1 });
  close(m(9), 1, 'ms 9');
  close(m(10), 0.1, 'ms 10');
  close(m(30), 0.01, 'ms 30');
});

test('cosineLr: endpoints, midpoint, warmup, clamp', () => {
  const c = cosineLr({ lr: 0.2, totalSteps: 100, minLr: 0.02 });
  close(c(0), 0.2, 't=0');
  close(c(50), 0.02 + 0.18 * 0.5, 't=50');
  close(c(25), 0.02 + (0.18 * (1 + Math.cos(Math.PI / 4))) / 2, 't=25');
  close(c(100), 0.02, 't=100');
  close(c(150), 0.02, 't=150');
  const w = cosineLr({ lr: 1, totalSteps: 14, warmupSteps: 4 });
  assert.deepEqual([0, 1, 2, 3].map(w), [0.25, 0.5, 0.75, 1]);
  close(w(4), 1, 'after warmup');
  close(w(9), 0.5, 'half of the cosine');
});

test('inverseLr: lr0·(1 + γ·p)^−power (SHOT/DINE, γ 10, power 0.75)', () => {
  const s = inverseLr({ lr: 0.01, maxSteps: 1000 });
  close(s(0), 0.01, 't=0');
  close(s(100), 0.01 * 2 ** -0.75, 'p=0.1');
  close(s(1000), 0.01 * 11 ** -0.75, 'p=1');
  const t = inverseLr({ lr: 1, maxSteps: 10, gamma: 1, power: 1 });
  close(t(5), 1 / 1.5, 'γ=1, power=1');
});

test('polyLr and linearDecayLr (pix2pix lambda rule)', () => {
  const p = polyLr({ lr: 1, totalSteps: 10, power: 2 });
  close(p(5), 0.25, 'poly 5');
  close(p(10), 0, 'poly end');
  close(p(12), 0, 'poly past end');
  // pix2pix n_epochs=3, n_epochs_decay=4: 1 − max(0, t + 1 − 3)/5
  const l = linearDecayLr({ lr: 2e-4, constantSteps: 3, decaySteps: 4 });
  const want = [1, 1, 1, 0.8, 0.6, 0.4, 0.2, 0, 0].map((f) => 2e-4 * f);
  want.forEach((v, t) => close(l(t), v, `t=${t}`));
});

test('schedules reject bad arguments', () => {
  assert.throws(() => stepLr({ lr: 0.1, stepSize: 0 }), /stepLr: stepSize/);
  assert.throws(() => cosineLr({ lr: 0.1, totalSteps: 5, warmupSteps: 5 }), /cosineLr: warmupSteps/);
  assert.throws(() => constantLr(-1), /constantLr/);
});
