import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { convNormAct } from './conv_norm_act.js';
import { WeightInit } from './init.js';
import { paramCounts } from './param_count.js';
import { reflectionPad2d } from './reflection_pad.js';
import { downsample, upsample } from './resample.js';
import { residualBlock } from './residual_block.js';

await tf.setBackend('cpu');

/** Parameters of a k×k conv. */
const conv = (cin: number, cout: number, k: number, bias: boolean) => cin * cout * k * k + (bias ? cout : 0);
const affine = (c: number) => 2 * c;

function build(inShape: [number | null, number | null, number], f: (x: tfl.SymbolicTensor) => tfl.SymbolicTensor): tfl.LayersModel {
  const input = tfl.input({ shape: inShape });
  return tfl.model({ inputs: input, outputs: f(input) });
}

function outShape(m: tfl.LayersModel, shape: number[]): number[] {
  return tf.tidy(() => (m.predict(tf.zeros(shape)) as tf.Tensor).shape);
}

test('convNormAct: shapes and parameter counts for each norm', () => {
  const init = new WeightInit({ seed: 1 });
  const batch = build([8, 8, 3], (x) => convNormAct(x, { filters: 5, norm: 'batch', init }));
  assert.deepEqual(outShape(batch, [2, 8, 8, 3]), [2, 8, 8, 5]);
  assert.deepEqual(paramCounts(batch), { trainable: conv(3, 5, 3, false) + affine(5), nonTrainable: 2 * 5, total: conv(3, 5, 3, false) + 4 * 5 });

  const inst = build([8, 8, 3], (x) => convNormAct(x, { filters: 5, norm: 'instance', act: 'leakyrelu', init }));
  assert.equal(paramCounts(inst).total, conv(3, 5, 3, false) + affine(5));
  const instNoAffine = build([8, 8, 3], (x) => convNormAct(x, { filters: 5, norm: 'instance', normAffine: false, act: 'tanh', init }));
  assert.equal(paramCounts(instNoAffine).total, conv(3, 5, 3, true));
  const none = build([8, 8, 3], (x) => convNormAct(x, { filters: 5, kernelSize: 4, strides: 2, padding: 'zero', padSize: 1, norm: 'none', act: 'sigmoid', init }));
  assert.deepEqual(outShape(none, [1, 8, 8, 3]), [1, 4, 4, 5]);
  assert.equal(paramCounts(none).total, conv(3, 5, 4, true));
  const refl = build([null, null, 2], (x) => convNormAct(x, { filters: 4, kernelSize: 7, padding: 'reflect', norm: 'none', init }));
  assert.deepEqual(outShape(refl, [1, 9, 10, 2]), [1, 9, 10, 4]);
});

test('convNormAct: leakyrelu has slope 0.2', () => {
  const init = new WeightInit({ seed: 2 });
  const m = build([1, 1, 1], (x) => convNormAct(x, { filters: 1, kernelSize: 1, norm: 'none', act: 'leakyrelu', init }));
  m.setWeights([tf.ones([1, 1, 1, 1]), tf.zeros([1])]);
  assert.deepEqual(Array.from((m.predict(tf.tensor4d([-1], [1, 1, 1, 1])) as tf.Tensor).dataSync()).map((v) => Math.round(v * 1e6) / 1e6), [-0.2]);
});

test('residualBlock: preserves shape; counts for instance (bias, no affine) and batch (no bias, affine)', () => {
  const init = new WeightInit({ seed: 3 });
  const inst = build([null, null, 6], (x) => residualBlock(x, { init }));
  assert.deepEqual(outShape(inst, [2, 5, 7, 6]), [2, 5, 7, 6]);
  assert.equal(paramCounts(inst).total, 2 * conv(6, 6, 3, true));
  const bn = build([null, null, 6], (x) => residualBlock(x, { norm: 'batch', padding: 'zero', init }));
  assert.equal(paramCounts(bn).trainable, 2 * (conv(6, 6, 3, false) + affine(6)));
  const drop = build([null, null, 6], (x) => residualBlock(x, { dropout: { rate: 0.5, seed: 9 }, init }));
  assert.deepEqual(outShape(drop, [1, 4, 4, 6]), [1, 4, 4, 6]);
  assert.equal(paramCounts(drop).trainable, 2 * conv(6, 6, 3, true));
});

test('downsample: max-pool and strided conv halve H and W', () => {
  const init = new WeightInit({ seed: 4 });
  const pool = build([null, null, 3], (x) => downsample(x));
  assert.deepEqual(outShape(pool, [1, 8, 6, 3]), [1, 4, 3, 3]);
  assert.equal(pool.countParams(), 0);
  for (const k of [3, 4]) {
    const s = build([null, null, 3], (x) => downsample(x, { mode: 'strided', filters: 7, kernelSize: k, norm: 'instance', act: 'relu', init }));
    assert.deepEqual(outShape(s, [1, 8, 6, 3]), [1, 4, 3, 7]);
    assert.equal(s.countParams(), conv(3, 7, k, false) + affine(7));
  }
});

test('upsample: every mode doubles H and W; counts', () => {
  const init = new WeightInit({ seed: 5 });
  for (const k of [2, 3, 4]) {
    const t = build([null, null, 4], (x) => upsample(x, { filters: 3, kernelSize: k, init }));
    assert.deepEqual(outShape(t, [2, 3, 5, 4]), [2, 6, 10, 3], `k=${k}`);
    assert.equal(t.countParams(), conv(4, 3, k, true));
  }
  for (const mode of ['nearest', 'bilinear'] as const) {
    const r = build([null, null, 4], (x) => upsample(x, { mode, filters: 3, norm: 'batch', act: 'relu', init }));
    assert.deepEqual(outShape(r, [1, 3, 5, 4]), [1, 6, 10, 3]);
    assert.equal(paramCounts(r).trainable, conv(4, 3, 3, false) + affine(3));
  }
});

/** PyTorch ConvTranspose2d(1, 1, k, stride 2, padding p, output_padding op), by its definition. */
function torchConvTranspose(x: number[][], w: number[][], p: number, op: number): number[][] {
  const H = x.length, W = x[0]!.length, k = w.length;
  const Ho = (H - 1) * 2 - 2 * p + k + op, Wo = (W - 1) * 2 - 2 * p + k + op;
  const out = Array.from({ length: Ho }, () => new Array<number>(Wo).fill(0));
  for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
    const o = i * 2 - p + a, q = j * 2 - p + b;
    if (o >= 0 && o < Ho && q >= 0 && q < Wo) out[o]![q]! += x[i]![j]! * w[a]![b]!;
  }
  return out;
}

test("upsample 'transpose' equals PyTorch ConvTranspose2d(k, 2, p=⌊(k−1)/2⌋, output_padding=k mod 2)", () => {
  const init = new WeightInit({ seed: 6 });
  const x = [[1, 2, -1], [0.5, 3, 2]];
  for (const k of [2, 3, 4]) {
    const w = Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => (a * k + b + 1) / 10 - (a === b ? 0.3 : 0)));
    const m = build([2, 3, 1], (t) => upsample(t, { filters: 1, kernelSize: k, useBias: false, init }));
    // tfjs transposed-conv kernel: [kh, kw, outC, inC]
    m.setWeights([tf.tensor4d(w.flat(), [k, k, 1, 1])]);
    const got = (m.predict(tf.tensor4d(x.flat(), [1, 2, 3, 1])) as tf.Tensor).arraySync() as number[][][][];
    const want = torchConvTranspose(x, w, Math.floor((k - 1) / 2), k % 2);
    assert.equal(got[0]!.length, want.length);
    got[0]!.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v[0]! - want[i]![j]!) < 1e-5, `k=${k} (${i},${j}): ${v[0]} vs ${want[i]![j]}`)));
  }
});

test('ReflectionPad2D matches PyTorch ReflectionPad2d', () => {
  const m = build([2, 3, 1], (t) => reflectionPad2d({ padding: 1 }).apply(t) as tfl.SymbolicTensor);
  const y = tf.reshape(m.predict(tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 2, 3, 1])) as tf.Tensor, [4, 5]).arraySync();
  assert.deepEqual(y, [
    [5, 4, 5, 6, 5],
    [2, 1, 2, 3, 2],
    [5, 4, 5, 6, 5],
    [2, 1, 2, 3, 2],
  ]);
});

test('WeightInit: same seed gives the same weights, different seeds differ', () => {
  const make = (seed: number) => build([4, 4, 2], (x) => convNormAct(x, { filters: 3, init: new WeightInit({ seed }) }));
  const a = make(11).getWeights()[0]!.dataSync();
  const b = make(11).getWeights()[0]!.dataSync();
  const c = make(12).getWeights()[0]!.dataSync();
  assert.deepEqual(Array.from(a), Array.from(b));
  assert.notDeepEqual(Array.from(a), Array.from(c));
});
