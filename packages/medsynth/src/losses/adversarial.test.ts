import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { tf, initBackend, ConfigError } from '@lacuna/core';
import { numericGrad, relMaxError } from '@lacuna/core/testing';
import { ganLoss, type GanLossKind } from './adversarial.js';
import { featureMatchingLoss } from './feature_matching.js';

before(async () => {
  await initBackend();
});

const close = (a: number, b: number, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);
const value = (t: tf.Tensor) => t.dataSync()[0]!;
const softplus = (x: number) => Math.log1p(Math.exp(x));

test('vanilla GAN loss: BCE with logits — ln 2 at logit 0, hand values elsewhere', () => {
  close(value(ganLoss(tf.zeros([2, 3, 3, 1]), true, 'vanilla')), Math.LN2);
  close(value(ganLoss(tf.zeros([2, 3, 3, 1]), false, 'vanilla')), Math.LN2);
  const logits = tf.tensor1d([2, -1, 0.5]);
  // real: −log σ(x) = softplus(−x); fake: −log(1 − σ(x)) = softplus(x).
  close(value(ganLoss(logits, true, 'vanilla')), (softplus(-2) + softplus(1) + softplus(-0.5)) / 3);
  close(value(ganLoss(logits, false, 'vanilla')), (softplus(2) + softplus(-1) + softplus(0.5)) / 3);
});

test('vanilla GAN loss stays finite for huge logits', () => {
  const logits = tf.tensor1d([200, -200]);
  close(value(ganLoss(logits, true, 'vanilla')), 100, 1e-4); // (≈0 + 200) / 2
  close(value(ganLoss(logits, false, 'vanilla')), 100, 1e-4);
  const g = tf.grad((x: tf.Tensor) => ganLoss(x, true, 'vanilla'))(logits).dataSync();
  close(g[0]!, 0); // (σ(200) − 1) / 2
  close(g[1]!, -0.5); // (σ(−200) − 1) / 2
});

test('least-squares GAN loss: mean (x − 1)² for real, mean x² for fake', () => {
  const logits = tf.tensor1d([0.5, -1, 3]);
  close(value(ganLoss(logits, true, 'lsgan')), (0.25 + 4 + 4) / 3);
  close(value(ganLoss(logits, false, 'lsgan')), (0.25 + 1 + 9) / 3, 1e-5);
  close(value(ganLoss(tf.zeros([4]), true, 'lsgan')), 1);
  close(value(ganLoss(tf.zeros([4]), false, 'lsgan')), 0);
});

test('GAN loss gradients: closed forms and finite differences', () => {
  const logits = tf.tensor1d([0, 1.5, -2, 0.3]);
  const sig = (x: number) => 1 / (1 + Math.exp(-x));
  const xs = [0, 1.5, -2, 0.3];
  const gv = tf.grad((x: tf.Tensor) => ganLoss(x, true, 'vanilla'))(logits).dataSync();
  xs.forEach((x, i) => close(gv[i]!, (sig(x) - 1) / 4));
  close(gv[0]!, -0.125); // exact at logit 0
  const gl = tf.grad((x: tf.Tensor) => ganLoss(x, false, 'lsgan'))(logits).dataSync();
  xs.forEach((x, i) => close(gl[i]!, (2 * x) / 4));
  const x4 = tf.randomNormal([2, 3, 3, 1], 0, 2, 'float32', 3);
  for (const kind of ['vanilla', 'lsgan'] as GanLossKind[]) {
    for (const real of [true, false]) {
      const f = (x: tf.Tensor) => ganLoss(x, real, kind);
      const idx = [0, 4, 9, 17];
      const analytic = tf.grad(f)(x4).dataSync();
      const err = relMaxError(idx.map((i) => analytic[i]!), numericGrad(f, [x4], 0, idx, 1e-2));
      assert.ok(err < 2e-2, `${kind} ${real}: ${err}`);
    }
  }
});

test('unknown GAN loss kind is a ConfigError with a suggestion', () => {
  assert.throws(() => ganLoss(tf.zeros([1]), true, 'lsgn' as GanLossKind), (e: Error) => e instanceof ConfigError && /did you mean 'lsgan'/.test(e.message));
});

test('feature matching: mean over layers of mean |fake − real|; no gradient to the real features', () => {
  const real = [tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor1d([0, 0, 0])];
  const fake = [tf.tensor2d([2, 1, 4, 6], [2, 2]), tf.tensor1d([3, -3, 0])];
  // Layer 1: (1 + 1 + 1 + 2) / 4 = 1.25; layer 2: 6 / 3 = 2; mean 1.625.
  close(value(featureMatchingLoss(real, fake)), 1.625);
  const [gReal0, gFake0] = tf.grads((r: tf.Tensor, f: tf.Tensor) => featureMatchingLoss([r, real[1]!], [f, fake[1]!]))([real[0]!, fake[0]!]);
  assert.deepEqual(Array.from(gReal0!.dataSync()), [0, 0, 0, 0]);
  // d/dfake = sign(fake − real) / (4 elements · 2 layers).
  assert.deepEqual(Array.from(gFake0!.dataSync()), [0.125, -0.125, 0.125, 0.125]);
  assert.throws(() => featureMatchingLoss(real, fake.slice(0, 1)), /same non-zero number/);
  assert.throws(() => featureMatchingLoss([tf.zeros([2])], [tf.zeros([3])]), /layer 0 shapes differ/);
});
