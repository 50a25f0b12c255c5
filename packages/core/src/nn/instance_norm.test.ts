import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { InstanceNormalization, instanceNorm } from './instance_norm.js';
import { numericGrad, relMaxError, sampleIndices } from '../testing/gradcheck.js';

await tf.setBackend('cpu');

/** Hand computation: per (b, c), mean and biased variance over H, W. */
function instanceNormRef(x: Float32Array, [B, H, W, C]: number[], eps: number, gamma?: number[], beta?: number[]): Float64Array {
  const out = new Float64Array(x.length);
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let i = 0; i < H * W; i++) s += x[(b * H * W + i) * C + c]!;
      const mean = s / (H * W);
      let v = 0;
      for (let i = 0; i < H * W; i++) v += (x[(b * H * W + i) * C + c]! - mean) ** 2;
      v /= H * W;
      for (let i = 0; i < H * W; i++) {
        const k = (b * H * W + i) * C + c;
        out[k] = ((x[k]! - mean) / Math.sqrt(v + eps)) * (gamma?.[c] ?? 1) + (beta?.[c] ?? 0);
      }
    }
  }
  return out;
}

test('InstanceNormalization: zero mean, unit variance per sample and channel, matches hand computation', () => {
  const shape = [2, 4, 5, 3];
  const x = tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 7), tf.tensor1d([1, 5, 0.1])), tf.tensor1d([3, -2, 0])); // [B, H, W, C]
  const layer = new InstanceNormalization({ affine: false });
  const y = layer.apply(x) as tf.Tensor;
  assert.deepEqual(y.shape, shape);
  const { mean, variance } = tf.moments(y, [1, 2]); // [B, C]
  for (const m of mean.dataSync()) assert.ok(Math.abs(m) < 1e-5, `mean ${m}`);
  for (const v of variance.dataSync()) assert.ok(Math.abs(v - 1) < 1e-3, `var ${v}`);
  const ref = instanceNormRef(x.dataSync() as Float32Array, shape, 1e-5);
  const got = y.dataSync();
  for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(got[i]! - ref[i]!) < 1e-5, `index ${i}: ${got[i]} vs ${ref[i]}`);
  assert.equal(layer.countParams(), 0);
});

test('InstanceNormalization: affine gamma/beta apply per channel', () => {
  const shape = [1, 3, 3, 2];
  const x = tf.randomNormal(shape, 0, 2, 'float32', 3);
  const layer = new InstanceNormalization({ affine: true, epsilon: 1e-3 });
  layer.apply(x); // builds
  assert.equal(layer.countParams(), 4);
  layer.setWeights([tf.tensor1d([2, -1]), tf.tensor1d([0.5, 3])]);
  const y = (layer.apply(x) as tf.Tensor).dataSync();
  const ref = instanceNormRef(x.dataSync() as Float32Array, shape, 1e-3, [2, -1], [0.5, 3]);
  for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(y[i]! - ref[i]!) < 1e-5);
});

test('InstanceNormalization: gradients flow and are finite', () => {
  const x = tf.randomNormal([2, 4, 4, 2], 0, 1, 'float32', 5);
  const layer = new InstanceNormalization();
  layer.apply(x);
  const { grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(tf.mul(x, 3)) as tf.Tensor)) as tf.Scalar, layer.trainableWeights.map((w) => w.read() as tf.Variable));
  for (const g of Object.values(grads)) assert.ok(g.dataSync().every(Number.isFinite));
  tf.dispose(grads);
});

test('InstanceNormalization: inside a model, config survives serialisation', () => {
  const input = tfl.input({ shape: [null, null, 3] });
  const out = new InstanceNormalization({ affine: false, epsilon: 1e-4, name: 'in1' }).apply(input) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: out });
  const cfg = model.getLayer('in1').getConfig();
  assert.equal(cfg['epsilon'], 1e-4);
  assert.equal(cfg['affine'], false);
});

test('instanceNorm: the hand-written gradient equals autodiff through the composed ops and finite differences', () => {
  const shape = [2, 5, 4, 3];
  const x = tf.randomNormal(shape, 1, 2, 'float32', 41);
  const gamma = tf.tensor1d([1.5, -0.7, 0.3]);
  const beta = tf.tensor1d([0.2, 0.1, -1]);
  const r = tf.randomNormal(shape, 0, 1, 'float32', 42);
  const composed = (x: tf.Tensor, g?: tf.Tensor, b?: tf.Tensor) => {
    const m = tf.moments(x, [1, 2], true);
    const y = tf.mul(tf.sub(x, m.mean), tf.rsqrt(tf.add(m.variance, 1e-5)));
    return g && b ? tf.add(tf.mul(y, g), b) : y;
  };
  // A loss that is not linear in y, so every gradient term matters.
  const loss = (f: (x: tf.Tensor, g?: tf.Tensor, b?: tf.Tensor) => tf.Tensor, affine: boolean) => (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(tf.square(affine ? f(x, g, b) : f(x)), r)) as tf.Scalar;
  for (const affine of [true, false]) {
    const inputs = affine ? [x, gamma, beta] : [x];
    const grads = (f: (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Scalar) => tf.grads((...a: tf.Tensor[]) => f(a[0]!, a[1] ?? gamma, a[2] ?? beta))(inputs);
    const mine = grads(loss((x, g, b) => instanceNorm(x, 1e-5, g, b), affine));
    const ref = grads(loss(composed, affine));
    for (let i = 0; i < (affine ? 3 : 1); i++) assert.ok(relMaxError(mine[i]!.dataSync(), ref[i]!.dataSync()) < 1e-4, `affine ${affine} input ${i}: ${relMaxError(mine[i]!.dataSync(), ref[i]!.dataSync())}`);
    const idx = sampleIndices(x.size, 10);
    const nd = numericGrad(loss((x, g, b) => instanceNorm(x, 1e-5, g, b), affine), [x, gamma, beta], 0, idx, 1e-2);
    assert.ok(relMaxError(idx.map((i) => mine[0]!.dataSync()[i]!), nd) < 3e-2, `affine ${affine}: dx vs finite differences`);
    tf.dispose([...mine, ...ref]);
  }
});
