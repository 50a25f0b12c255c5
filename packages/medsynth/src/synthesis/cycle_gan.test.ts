import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { tf, tfl, initBackend, ConfigError } from '@lacuna/core';
import { blobImages, invertedPairs } from './toy_pairs.js';
import { CycleGanTrainer, cycleConsistencyLoss } from './cycle_gan.js';
import { ImagePool } from './image_pool.js';

before(async () => {
  await initBackend();
});

const TINY_RESNET = { arch: 'resnet', base: 4, nBlocks: 1, norm: 'instance' } as const;

/** conv 3x3 -> tanh -> conv 3x3: smooth, so central differences are exact to O(eps^2) (ReLU kinks are not). */
function smoothNet(seed: number): tfl.LayersModel {
  const input = tfl.input({ shape: [8, 8, 1] });
  const init = (s: number) => tfl.initializers.randomNormal({ mean: 0, stddev: 0.4, seed: s });
  const h = tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'tanh', kernelInitializer: init(seed) }).apply(input) as tfl.SymbolicTensor;
  const out = tfl.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', kernelInitializer: init(seed + 1) }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

test("the cycle loss's gradient matches central finite differences, for weights of both generators", () => {
  const g = smoothNet(3);
  const f = smoothNet(5);
  const a = tf.tidy(() => tf.sub(tf.mul(blobImages(2, 8, 1), 2), 1) as tf.Tensor4D);
  const b = tf.tidy(() => tf.sub(tf.mul(blobImages(2, 8, 2), 2), 1) as tf.Tensor4D);
  const mask = tf.tidy(() => tf.cast(tf.greater(a, -0.7), 'float32') as tf.Tensor4D);
  const loss = () => cycleConsistencyLoss(g, f, a, b, { a: mask });
  let checked = 0;
  for (const model of [g, f]) {
    for (const weight of [model.trainableWeights[0]!, model.trainableWeights[2]!]) {
      const v = weight.read() as tf.Variable;
      const { grads } = tf.variableGrads(loss, [v]);
      const analytic = grads[v.name]!.dataSync();
      const values = v.dataSync().slice();
      for (const i of [0, Math.floor(values.length / 2), values.length - 1]) {
        const eps = 1e-3;
        const at = (delta: number) => {
          const w = values.slice();
          w[i] = values[i]! + delta;
          v.assign(tf.tensor(w, v.shape));
          const s = loss();
          const out = s.dataSync()[0]!;
          s.dispose();
          return out;
        };
        const numeric = (at(eps) - at(-eps)) / (2 * eps);
        v.assign(tf.tensor(values, v.shape));
        assert.ok(Math.abs(numeric - analytic[i]!) <= 1e-3 + 0.02 * Math.abs(numeric), `${weight.name}[${i}]: analytic ${analytic[i]} vs numeric ${numeric}`);
        assert.ok(Math.abs(analytic[i]!) > 1e-4, `${weight.name}[${i}] takes part in the loss`);
        checked++;
      }
      tf.dispose(grads);
    }
  }
  assert.equal(checked, 12);
  tf.dispose([a, b, mask]);
  g.dispose();
  f.dispose();
});

const one = (v: number) => tf.fill([1, 2, 2, 1], v) as tf.Tensor4D;
const firstValue = (t: tf.Tensor) => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

test('the image pool stores its first `size` images, then swaps about half of the new ones for stored ones; its state restores its draws', () => {
  const pool = new ImagePool(3, 1);
  assert.deepEqual([1, 2, 3].map((v) => firstValue(pool.query(one(v)))), [1, 2, 3]);
  assert.equal(pool.count, 3);
  const stored = new Set([1, 2, 3]);
  let swapped = 0;
  for (let v = 4; v < 404; v++) {
    const out = firstValue(pool.query(one(v)));
    if (out !== v) {
      assert.ok(stored.has(out), `a swapped image comes from the pool (${out})`);
      stored.delete(out);
      stored.add(v);
      swapped++;
    }
  }
  assert.equal(pool.count, 3);
  assert.ok(swapped > 160 && swapped < 240, `${swapped} of 400 swapped`);
  // A batch: each image goes through the pool on its own.
  const batch = pool.query(tf.concat([one(1000), one(1001), one(1002), one(1003)]) as tf.Tensor4D);
  assert.deepEqual(batch.shape, [4, 2, 2, 1]);
  batch.dispose();
  const copy = new ImagePool(3, 99);
  copy.setState(JSON.parse(JSON.stringify(pool.getState())));
  const next = (p: ImagePool) => [2000, 2001, 2002, 2003, 2004, 2005].map((v) => firstValue(p.query(one(v))));
  assert.deepEqual(next(copy), next(pool));
  const none = new ImagePool(0, 1);
  assert.equal(firstValue(none.query(one(7))), 7);
  assert.equal(none.count, 0);
  assert.throws(() => pool.query(tf.zeros([1, 3, 3, 1]) as tf.Tensor4D), /must be \[B, 2, 2, 1\]/);
});

test('CycleGAN: same seed, same losses; every term reported; no tensor leak; the identity term needs matching channels', () => {
  const { source, target } = invertedPairs(4, 16, 5);
  const run = (steps: number, onStep?: () => void) => {
    const t = new CycleGanTrainer({ generator: TINY_RESNET, channels: { a: 1, b: 1 }, discriminator: { ndf: 4, nLayers: 2 }, seed: 2, pool: 2 });
    const out = [];
    for (let s = 0; s < steps; s++) {
      const a = tf.slice(source, [s % 4, 0, 0, 0], [2, -1, -1, -1]) as tf.Tensor4D;
      // An unrelated batch of B: other images than a's partners.
      const b = tf.slice(target, [(s + 2) % 3, 0, 0, 0], [2, -1, -1, -1]) as tf.Tensor4D;
      out.push(t.step(a, b));
      tf.dispose([a, b]);
      onStep?.();
    }
    t.dispose();
    return out;
  };
  const x = run(3);
  assert.deepEqual(run(3), x);
  assert.deepEqual(Object.keys(x[0]!.parts).sort(), ['adv_a', 'adv_b', 'cycle_a', 'cycle_b', 'd_a', 'd_b', 'idt_a', 'idt_b']);
  assert.ok(Object.values(x[0]!.parts).every((v) => Number.isFinite(v) && v > 0));
  const p = x[0]!.parts;
  assert.ok(Math.abs(x[0]!.g - (p.adv_a! + p.adv_b! + 10 * (p.cycle_a! + p.cycle_b!) + 5 * (p.idt_a! + p.idt_b!))) < 1e-4 * x[0]!.g, 'G loss = adv + 10 cycle + 5 identity');
  const counts: number[] = [];
  run(5, () => counts.push(tf.memory().numTensors));
  assert.deepEqual(new Set(counts.slice(1)), new Set([counts[1]]), `tensor counts ${counts.join(' ')}`);
  assert.throws(() => new CycleGanTrainer({ generator: TINY_RESNET, channels: { a: 2, b: 1 }, seed: 1, identity: 0.5 }), (e: Error) => e instanceof ConfigError && /identity term needs A and B with the same channels/.test(e.message));
  tf.dispose([source, target]);
});

test('CycleGAN learns the contrast inversion from unpaired images: G(a) moves towards 1 - a without ever seeing a pair', () => {
  // Images in [-1, 1]; B is the inversion of *other* blob images than A's.
  const a = tf.tidy(() => tf.sub(tf.mul(blobImages(32, 16, 11), 2), 1) as tf.Tensor4D);
  const b = tf.tidy(() => tf.neg(tf.sub(tf.mul(blobImages(32, 16, 12), 2), 1)) as tf.Tensor4D);
  const t = new CycleGanTrainer({ generator: { arch: 'resnet', base: 8, nBlocks: 2 }, channels: { a: 1, b: 1 }, discriminator: { ndf: 8, nLayers: 2 }, seed: 1, identity: 0, optimizer: { lr: 1e-3 } });
  const errorOnA = () => tf.tidy(() => tf.mean(tf.abs(tf.sub(t.generator.apply(a, { training: false }) as tf.Tensor, tf.neg(a)))).dataSync()[0]!);
  const before = errorOnA();
  for (let s = 0; s < 60; s++) {
    const ia = tf.tensor1d([(s * 4) % 32, (s * 4 + 1) % 32, (s * 4 + 2) % 32, (s * 4 + 3) % 32], 'int32');
    const ib = tf.tensor1d([(s * 5 + 7) % 32, (s * 5 + 8) % 32, (s * 5 + 9) % 32, (s * 5 + 10) % 32], 'int32');
    const [xa, xb] = [tf.gather(a, ia), tf.gather(b, ib)] as tf.Tensor4D[];
    t.step(xa!, xb!);
    tf.dispose([ia, ib, xa!, xb!]);
  }
  const after = errorOnA();
  console.log(`CycleGAN toy inversion: mean |G(a) - (-a)| ${before.toFixed(3)} -> ${after.toFixed(3)}`);
  assert.ok(after < before / 2, `error ${before} -> ${after}`);
  t.dispose();
  tf.dispose([a, b]);
});
