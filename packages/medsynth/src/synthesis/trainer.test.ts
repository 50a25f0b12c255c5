import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { tf, initBackend, data, ConfigError, ShapeError } from '@lacuna/core';
import { l1Loss } from '../losses/reconstruction.js';
import { PERCEPTUAL_LAYERS, trainPerceptualNet } from './perceptual_net.js';
import { invertedPairs } from './toy_pairs.js';
import { SynthesisTrainer, type SynthesisTrainerOptions } from './trainer.js';

before(async () => {
  await initBackend();
});

const SMALL_UNET = { arch: 'unet', inChannels: 1, outChannels: 1, base: 8, depth: 2, seed: 1 } as const;
const D_SMALL = { ndf: 8 } as const;

/** One trainer step on the batch `idx` of (source, target). */
function stepOn(trainer: SynthesisTrainer, source: tf.Tensor4D, target: tf.Tensor4D, idx: number[]) {
  const [x, y] = [tf.gather(source, idx), tf.gather(target, idx)] as tf.Tensor4D[];
  try {
    return trainer.step(x!, y!);
  } finally {
    tf.dispose([x!, y!]);
  }
}

function batches(n: number, batch: number, seed: number) {
  const rng = new data.Random(seed);
  return () => Array.from({ length: batch }, () => rng.int(0, n));
}

test('supervised U-Net (L1 only, no D): 60 steps cut the validation L1 at least 2×', () => {
  const { source, target } = invertedPairs(32, 32, 1);
  const val = invertedPairs(8, 32, 2);
  const trainer = new SynthesisTrainer({ generator: SMALL_UNET, losses: { l1: 1 }, optimizer: { lr: 2e-3, beta1: 0.9 } });
  assert.equal(trainer.discriminator, null);
  assert.deepEqual(Object.keys(trainer.models()), ['generator']);
  assert.deepEqual(Object.keys(trainer.optimizers()), ['generator']);
  const valL1 = () => tf.tidy(() => l1Loss(trainer.predict(val.source), val.target).dataSync()[0]!);
  const before = valL1();
  const next = batches(32, 8, 3);
  let last = { g: NaN, parts: {} as Record<string, number> };
  for (let s = 0; s < 60; s++) last = stepOn(trainer, source, target, next());
  const after = valL1();
  assert.ok(after < before / 2, `validation L1 ${before.toFixed(4)} → ${after.toFixed(4)}`);
  assert.deepEqual(Object.keys(last.parts), ['l1']);
  assert.equal(last.g, last.parts['l1']); // weight 1
  const g = trainer.generator;
  trainer.dispose({ keepGenerator: true });
  assert.ok(Math.abs(tf.tidy(() => l1Loss(g.predict(val.source) as tf.Tensor, val.target).dataSync()[0]!) - after) < 1e-6);
  g.dispose();
});

test('D step: after some steps D scores real pairs above fake ones; step 1 reports the hand-computed D losses', () => {
  const { source, target } = invertedPairs(16, 32, 4);
  for (const kind of ['vanilla', 'lsgan'] as const) {
    const trainer = new SynthesisTrainer({ generator: SMALL_UNET, discriminator: D_SMALL, losses: { l1: 100, adversarial: { kind, weight: 1 } } });
    const d = trainer.discriminator!;
    const x = tf.slice(source, 0, 4);
    const y = tf.slice(target, 0, 4);
    // What the trainer's D step will see: D in training mode (batch norm on batch statistics).
    const [realLogits, fakeLogits] = tf.tidy(() => {
      const fake = trainer.generator.apply(x, { training: true }) as tf.Tensor;
      return [d.apply(tf.concat([x, y], 3), { training: true }) as tf.Tensor, d.apply(tf.concat([x, fake], 3), { training: true }) as tf.Tensor];
    });
    const r = Array.from(realLogits.dataSync());
    const f = Array.from(fakeLogits.dataSync());
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    const softplus = (v: number) => Math.log1p(Math.exp(v));
    const want = kind === 'vanilla'
      ? { real: mean(r.map((v) => softplus(-v))), fake: mean(f.map(softplus)) }
      : { real: mean(r.map((v) => (v - 1) ** 2)), fake: mean(f.map((v) => v * v)) };
    const first = trainer.step(x, y);
    assert.ok(Math.abs(first.parts['d_real']! - want.real) < 1e-4, `${kind} d_real ${first.parts['d_real']} vs ${want.real}`);
    assert.ok(Math.abs(first.parts['d_fake']! - want.fake) < 1e-4, `${kind} d_fake ${first.parts['d_fake']} vs ${want.fake}`);
    assert.ok(Math.abs(first.d! - 0.5 * (want.real + want.fake)) < 1e-4);
    assert.ok(Math.abs(first.g - (100 * first.parts['l1']! + first.parts['adv']!)) < 1e-3 * first.g);
    const next = batches(16, 4, 5);
    for (let s = 0; s < 15; s++) stepOn(trainer, source, target, next());
    const gap = tf.tidy(() => {
      const fake = trainer.generator.apply(x, { training: true }) as tf.Tensor;
      const real = tf.mean(d.apply(tf.concat([x, y], 3), { training: true }) as tf.Tensor).dataSync()[0]!;
      const fk = tf.mean(d.apply(tf.concat([x, fake], 3), { training: true }) as tf.Tensor).dataSync()[0]!;
      return real - fk;
    });
    assert.ok(gap > 0.1, `${kind}: mean D logit real − fake = ${gap}`);
    tf.dispose([x, y, realLogits, fakeLogits]);
    trainer.dispose();
  }
});

test('two source channels (T1 + T2 → FLAIR style): D takes 3 channels, output 1 channel, losses fall', () => {
  const a = invertedPairs(16, 32, 6);
  const source = tf.concat([a.source, tf.square(a.source)], 3) as tf.Tensor4D; // [16, 32, 32, 2]
  const trainer = new SynthesisTrainer({ generator: { ...SMALL_UNET, inChannels: 2 }, discriminator: D_SMALL, losses: { l1: 10, adversarial: { kind: 'lsgan', weight: 1 } }, optimizer: { lr: 1e-3 } });
  assert.equal(trainer.sourceChannels, 2);
  assert.equal(trainer.discriminator!.inputs[0]!.shape[3], 3);
  const next = batches(16, 4, 7);
  const l1s: number[] = [];
  for (let s = 0; s < 30; s++) l1s.push(stepOn(trainer, source, a.target, next()).parts['l1']!);
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  assert.ok(mean(l1s.slice(-5)) < 0.7 * mean(l1s.slice(0, 5)), `L1 ${mean(l1s.slice(0, 5))} → ${mean(l1s.slice(-5))}`);
  assert.deepEqual(tf.tidy(() => trainer.predict(tf.slice(source, 0, 2)).shape), [2, 32, 32, 1]);
  assert.throws(() => trainer.step(a.source, a.target), (e: Error) => e instanceof ShapeError && /source must be \[B, H, W, 2\]/.test(e.message));
  assert.throws(() => trainer.step(source, source), /target must be/);
  trainer.dispose();
});

test('same seed → identical losses for 3 steps; every term on; no tensor leak over steps', () => {
  const { source, target } = invertedPairs(8, 32, 8);
  const perceptual = trainPerceptualNet(target, { steps: 5, seed: 9, widths: [4, 8, 8] });
  const mask = tf.cast(tf.greater(source, 0.12), 'float32') as tf.Tensor4D;
  const options: SynthesisTrainerOptions = {
    generator: SMALL_UNET,
    discriminator: D_SMALL,
    losses: { l1: 10, mse: 1, ssim: 1, msSsim: 1, adversarial: { kind: 'vanilla', weight: 1 }, featureMatching: 10, perceptual: 1 },
    perceptual: { net: perceptual, layers: PERCEPTUAL_LAYERS },
    dataRange: 1,
  };
  const run = (steps: number, onStep?: () => void) => {
    const trainer = new SynthesisTrainer(options);
    const out = [];
    for (let s = 0; s < steps; s++) {
      const idx = [s % 8, (s + 3) % 8];
      const [x, y, m] = [tf.gather(source, idx), tf.gather(target, idx), tf.gather(mask, idx)] as tf.Tensor4D[];
      out.push(trainer.step(x!, y!, m));
      tf.dispose([x!, y!, m!]);
      onStep?.();
    }
    trainer.dispose();
    return out;
  };
  const a = run(3);
  const b = run(3);
  assert.deepEqual(a, b);
  assert.deepEqual(Object.keys(a[0]!.parts).sort(), ['adv', 'd_fake', 'd_real', 'fm', 'l1', 'msSsim', 'mse', 'perceptual', 'ssim']);
  assert.ok(Object.values(a[0]!.parts).every((v) => Number.isFinite(v) && v > 0));
  assert.notDeepEqual(a[0], a[1]);
  const counts: number[] = [];
  run(5, () => counts.push(tf.memory().numTensors));
  // Step 1 creates the optimisers' slot variables; afterwards the count is flat.
  assert.deepEqual(new Set(counts.slice(1)), new Set([counts[1]]), `tensor counts ${counts.join(' ')}`);
  perceptual.dispose();
});

test('loss config errors name the field', () => {
  const g = SMALL_UNET;
  const err = (losses: SynthesisTrainerOptions['losses'], option: string, extra: Partial<SynthesisTrainerOptions> = {}) =>
    assert.throws(() => new SynthesisTrainer({ generator: g, losses, ...extra }), (e: Error) => e instanceof ConfigError && e.option === option);
  err({ l1: 1, featureMatching: 1 }, 'losses.featureMatching');
  err({ l1: 1, perceptual: 1 }, 'losses.perceptual');
  err({ l1: -1 }, 'losses.l1');
  err({ l1: 0 }, 'losses');
  err({ l1: 1, adversarial: { kind: 'wgan' as 'lsgan', weight: 1 } }, 'losses.adversarial.kind');
});
