import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { tf, nn, initBackend, ConfigError } from '@lacuna/core';
import { buildDiscriminator, patchGanReceptiveField } from './discriminator.js';
import { buildGenerator } from './generator.js';

before(async () => {
  await initBackend();
});

const weightsOf = (m: { getWeights(): tf.Tensor[] }) => m.getWeights().map((w) => Array.from(w.dataSync()));

test('U-Net generator: parameter count as core unet2d, multi-channel in/out, same seed → same weights', () => {
  const g = buildGenerator({ arch: 'unet', inChannels: 2, outChannels: 1, base: 8, depth: 2, seed: 3 });
  const ref = nn.unet2d({ inChannels: 2, outChannels: 1, baseChannels: 8, depth: 2, init: { seed: 3 } });
  assert.equal(g.countParams(), ref.countParams());
  const y = tf.tidy(() => (g.predict(tf.ones([3, 32, 32, 2])) as tf.Tensor).shape);
  assert.deepEqual(y, [3, 32, 32, 1]);
  const again = buildGenerator({ arch: 'unet', inChannels: 2, outChannels: 1, base: 8, depth: 2, seed: 3 });
  assert.deepEqual(weightsOf(g), weightsOf(again));
  const other = buildGenerator({ arch: 'unet', inChannels: 2, outChannels: 1, base: 8, depth: 2, seed: 4 });
  assert.notDeepEqual(weightsOf(g)[0], weightsOf(other)[0]);
  const tanh = buildGenerator({ arch: 'unet', inChannels: 1, outChannels: 1, base: 4, depth: 1, finalActivation: 'tanh', seed: 1 });
  const out = tf.tidy(() => Array.from((tanh.predict(tf.randomNormal([1, 8, 8, 1], 0, 50, 'float32', 1)) as tf.Tensor).dataSync()));
  assert.ok(out.every((v) => v >= -1 && v <= 1));
  for (const m of [g, ref, again, other, tanh]) m.dispose();
});

test('ResNet generator: default 9 blocks, [−1, 1] output, dropout is seeded', () => {
  const g = buildGenerator({ arch: 'resnet', inChannels: 2, outChannels: 1, base: 4, seed: 5 });
  const blocks = g.layers.filter((l) => /^generator_block\d+_/.test(l.name)).map((l) => l.name.split('_')[1]);
  assert.equal(new Set(blocks).size, 9);
  assert.equal(g.countParams(), nn.resnetGenerator({ inChannels: 2, outChannels: 1, ngf: 4, init: { seed: 5 } }).countParams());
  const y = tf.tidy(() => Array.from((g.predict(tf.randomNormal([1, 16, 16, 2], 0, 3, 'float32', 2)) as tf.Tensor).dataSync()));
  assert.equal(y.length, 256);
  assert.ok(y.every((v) => v > -1 && v < 1));
  const withDropout = () => buildGenerator({ arch: 'resnet', inChannels: 1, outChannels: 1, base: 4, nBlocks: 2, dropout: true, seed: 6 });
  const x = tf.randomNormal([1, 8, 8, 1], 0, 1, 'float32', 3);
  const run = (m: ReturnType<typeof withDropout>) => tf.tidy(() => Array.from((m.apply(x, { training: true }) as tf.Tensor).dataSync()));
  const a = withDropout();
  const b = withDropout();
  const a1 = run(a);
  assert.deepEqual(a1, run(b)); // same seed, same masks
  assert.notDeepEqual(run(a), a1); // the next call draws a new mask
});

test('generator config errors name the field', () => {
  const base = { inChannels: 1, outChannels: 1, seed: 1 } as const;
  assert.throws(() => buildGenerator({ ...base, arch: 'unett' as 'unet' }), (e: Error) => e instanceof ConfigError && e.option === 'generator.arch' && /did you mean 'unet'/.test(e.message));
  assert.throws(() => buildGenerator({ ...base, arch: 'resnet', finalActivation: 'none' }), (e: Error) => e instanceof ConfigError && e.option === 'generator.finalActivation');
  assert.throws(() => buildGenerator({ ...base, arch: 'unet', nBlocks: 3 }), (e: Error) => e instanceof ConfigError && e.option === 'generator.nBlocks');
  assert.throws(() => buildGenerator({ ...base, arch: 'unet', inChannels: 0 }), (e: Error) => e instanceof ConfigError && e.option === 'generator.inChannels');
  assert.throws(() => buildGenerator({ ...base, arch: 'unet', norm: 'group' as 'batch' }), (e: Error) => e instanceof ConfigError && e.option === 'generator.norm');
});

test('PatchGAN: 70×70 receptive field for 3 layers, by formula and by gradient support', () => {
  assert.equal(patchGanReceptiveField(3), 70);
  assert.equal(patchGanReceptiveField(1), 16);
  assert.equal(patchGanReceptiveField(2), 34);
  const d = buildDiscriminator({ inChannels: 2, ndf: 4, norm: 'none', seed: 7 });
  assert.deepEqual(tf.tidy(() => (d.predict(tf.zeros([2, 32, 32, 2])) as tf.Tensor).shape), [2, 2, 2, 1]);
  // Which input pixels move the centre logit of a 128×128 input (14×14 logits)?
  const x = tf.randomNormal([1, 128, 128, 2], 0, 1, 'float32', 4);
  const g = tf.grad((inp: tf.Tensor) => tf.slice(d.apply(inp) as tf.Tensor, [0, 7, 7, 0], [1, 1, 1, 1]).sum())(x);
  const rows = tf.tidy(() => Array.from(tf.sum(tf.abs(g), [0, 2, 3]).dataSync()));
  const cols = tf.tidy(() => Array.from(tf.sum(tf.abs(g), [0, 1, 3]).dataSync()));
  const support = (v: number[]) => {
    const hit = v.flatMap((a, i) => (a > 0 ? [i] : []));
    return hit[hit.length - 1]! - hit[0]! + 1;
  };
  assert.equal(support(rows), 70);
  assert.equal(support(cols), 70);
});

test('discriminator config errors name the field', () => {
  assert.throws(() => buildDiscriminator({ inChannels: 0, seed: 1 }), (e: Error) => e instanceof ConfigError && e.option === 'discriminator.inChannels');
  assert.throws(() => buildDiscriminator({ inChannels: 2, nLayers: 0, seed: 1 }), (e: Error) => e instanceof ConfigError && e.option === 'discriminator.nLayers');
});
