import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend/node.js';
import { numericGrad, relMaxError, sampleIndices } from '../testing/gradcheck.js';

import { CONV_CASES, checkConvCase, convCaseName, onBackend } from '../testing/conv_cases.js';

before(async () => {
  // native: false, so these exercise Lacuna's wasm kernels (native.test.ts covers the native ones).
  const info = await initBackend({ backend: 'wasm', threads: 2, native: false });
  assert.equal(info.backend, 'wasm');
});

for (const c of CONV_CASES) {
  test(`conv2d and its gradients on wasm match cpu and finite differences: ${convCaseName(c)}`, () => checkConvCase(c));
}

test('conv2dTranspose forward on wasm matches cpu (stride 1 and 2)', async () => {
  for (const [xs, ws, s, pad] of [
    [[2, 5, 5, 4], [2, 2, 3, 4], 2, 'valid'],
    [[2, 5, 5, 4], [4, 4, 3, 4], 2, 'same'],
    [[1, 6, 6, 4], [3, 3, 3, 4], 1, 'same'],
  ] as [[number, number, number, number], [number, number, number, number], number, 'same' | 'valid'][]) {
    const xv = tf.randomNormal(xs, 0, 1, 'float32', 4).dataSync();
    const wv = tf.randomNormal(ws, 0, 1, 'float32', 5).dataSync();
    const outShape: [number, number, number, number] = [xs[0]!, xs[1]! * s, xs[2]! * s, ws[2]!];
    const run = (b: string) =>
      onBackend(b, () => tf.tidy(() => tf.conv2dTranspose(tf.tensor(xv, xs) as tf.Tensor4D, tf.tensor(wv, ws) as tf.Tensor4D, outShape, s, pad).dataSync().slice()));
    const e = relMaxError(await run('wasm'), await run('cpu'));
    assert.ok(e < 1e-5, `conv2dTranspose ${xs} ${ws} s${s} ${pad}: ${e}`);
  }
});

// The other ops the networks train through; wasm has stock kernels for these and we check
// their gradients against cpu so a regression in either shows up here.
// The cpu backend's ResizeNearestNeighborGrad (tfjs 4.22) is wrong for batch > 1, so that op
// is checked against finite differences only (cpuAgrees = false).
const OTHER_OPS: [string, number[], (x: tf.Tensor) => tf.Tensor, boolean?][] = [
  ['maxPool 2x2', [2, 8, 8, 3], (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid')],
  ['avgPool 3x3 s2 same', [2, 9, 9, 3], (x) => tf.avgPool(x as tf.Tensor4D, 3, 2, 'same')],
  ['resizeBilinear x2', [2, 5, 5, 3], (x) => tf.image.resizeBilinear(x as tf.Tensor4D, [10, 10])],
  ['resizeNearest x2', [2, 5, 5, 3], (x) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [10, 10]), false],
  ['leakyRelu 0.2', [2, 4, 4, 3], (x) => tf.leakyRelu(x, 0.2)],
  ['relu (LacunaReluGrad)', [2, 4, 4, 3], (x) => tf.relu(x)],
  ['instance norm', [2, 6, 6, 3], (x) => { const m = tf.moments(x, [1, 2], true); return tf.div(tf.sub(x, m.mean), tf.sqrt(tf.add(m.variance, 1e-5))); }],
  ['batch norm', [4, 3, 3, 2], (x) => { const m = tf.moments(x, [0, 1, 2]); return tf.batchNorm(x, m.mean, m.variance, tf.zeros([2]), tf.ones([2]), 1e-3); }],
];

for (const [name, shape, op, cpuAgrees = true] of OTHER_OPS) {
  test(`gradient of ${name} on wasm matches cpu and finite differences`, async () => {
    const xv = tf.randomNormal(shape, 0, 1, 'float32', 6).dataSync();
    const outShape = tf.tidy(() => op(tf.tensor(xv, shape)).shape);
    const rv = tf.randomNormal(outShape, 0, 1, 'float32', 7).dataSync();
    const loss = (x: tf.Tensor) => tf.sum(tf.mul(op(x), tf.tensor(rv, outShape))) as tf.Scalar;
    const grad = (b: string) => onBackend(b, () => tf.tidy(() => tf.grad(loss)(tf.tensor(xv, shape)).dataSync().slice()));
    const gw = await grad('wasm');
    const gc = await grad('cpu');
    if (cpuAgrees) assert.ok(relMaxError(gw, gc) < 1e-4, `${name} vs cpu: ${relMaxError(gw, gc)}`);
    const x = tf.tensor(xv, shape);
    // Finite differences are meaningless across a kink (ReLU at 0, a change of argmax), so
    // check entries far from the nearest kink only.
    const idx = sampleIndices(xv.length, 16).filter((i) => Math.abs(xv[i]!) > 0.05);
    const nd = numericGrad(loss, [x], 0, idx, 1e-2);
    assert.ok(relMaxError(idx.map((i) => gw[i]!), nd) < 5e-2, `${name} vs finite differences: ${relMaxError(idx.map((i) => gw[i]!), nd)}`);
    x.dispose();
  });
}

test('conv2d gradients do not leak tensors on wasm', () => {
  const x = tf.randomNormal([2, 8, 8, 3]);
  const w = tf.randomNormal([3, 3, 3, 4]);
  const run = () => tf.tidy(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')))([x, w]));
  tf.dispose(run());
  const before = tf.memory().numTensors;
  const bytesBefore = tf.memory().numBytes;
  for (let i = 0; i < 5; i++) tf.dispose(run());
  assert.equal(tf.memory().numTensors, before);
  assert.equal(tf.memory().numBytes, bytesBefore);
  tf.dispose([x, w]);
});

test('Sum and Mean on wasm match cpu over contiguous and non-contiguous axes', async () => {
  const shape = [2, 5, 6, 7];
  const xv = tf.randomNormal(shape, 0, 1, 'float32', 8).dataSync();
  for (const axis of [[1, 2], [0, 1, 2], [3], [0], [2, 3], [0, 2], -1, undefined] as (number | number[] | undefined)[]) {
    for (const keepDims of [false, true]) {
      for (const op of [tf.sum, tf.mean]) {
        const run = (b: string) => onBackend(b, () => tf.tidy(() => { const y = op(tf.tensor(xv, shape), axis, keepDims); return { v: y.dataSync().slice(), s: y.shape }; }));
        const w = await run('wasm');
        const c = await run('cpu');
        assert.deepEqual(w.s, c.s);
        assert.ok(relMaxError(w.v, c.v) < 1e-5, `${op.name} axis ${JSON.stringify(axis)} keepDims ${keepDims}`);
      }
    }
  }
});

test('BatchMatMul on wasm with transposed operands matches cpu, leaks nothing, and is not slower than transposing first', async () => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[64, 30], [64, 20], true, false], // x^T · dy (dense weight gradient)
    [[64, 20], [30, 20], false, true], // dy · W^T (dense input gradient)
    [[7, 5], [3, 7], true, true],
    [[2, 6, 4], [2, 6, 3], true, false], // batched
    [[5, 4], [4, 3], false, false],
  ];
  for (const [sa, sb, ta, tb] of cases) {
    const av = tf.randomNormal(sa, 0, 1, 'float32', 3).dataSync();
    const bv = tf.randomNormal(sb, 0, 1, 'float32', 4).dataSync();
    const run = (b: string) => onBackend(b, () => tf.tidy(() => { const y = tf.matMul(tf.tensor(av, sa), tf.tensor(bv, sb), ta, tb); return { v: y.dataSync().slice(), s: y.shape }; }));
    const before = tf.memory().numTensors;
    const w = await run('wasm');
    assert.equal(tf.memory().numTensors, before);
    const c = await run('cpu');
    assert.deepEqual(w.s, c.s);
    assert.ok(relMaxError(w.v, c.v) < 1e-5, `matMul ${sa} ${sb} ${ta} ${tb}`);
  }
  const a = tf.randomUniform([64, 784]);
  const dy = tf.randomUniform([64, 256]);
  const time = (f: () => tf.Tensor) => {
    f().dispose();
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) tf.tidy(() => f().dataSync());
    return performance.now() - t0;
  };
  const fused = time(() => tf.matMul(a, dy, true, false));
  const explicit = time(() => tf.matMul(tf.transpose(a), dy));
  assert.ok(fused < explicit * 2 + 5, `transposeA ${fused.toFixed(1)} ms vs transpose-then-multiply ${explicit.toFixed(1)} ms`);
  tf.dispose([a, dy]);
});

test('the embedded kernel binary was built from the current C source', async () => {
  const { createHash } = await import('node:crypto');
  const { readFileSync } = await import('node:fs');
  const { LACUNA_KERNELS_SOURCE_SHA256 } = await import('./lacuna_kernels_wasm.js');
  const source = readFileSync(new URL('../../wasm/lacuna_kernels.c', import.meta.url));
  assert.equal(createHash('sha256').update(source).digest('hex'), LACUNA_KERNELS_SOURCE_SHA256, 'run packages/core/wasm/build.sh');
});

test('Slice, split and concat on wasm (strided block copies) match cpu on every axis, int32 too, and leak nothing', async () => {
  const shape = [2, 5, 6, 7];
  const xv = tf.randomNormal(shape, 0, 1, 'float32', 9).dataSync();
  const cases: [string, (x: tf.Tensor) => tf.Tensor | tf.Tensor[]][] = [
    ['slice channels', (x) => tf.slice(x, [0, 0, 0, 2], [2, 5, 6, 3])],
    ['slice width', (x) => tf.slice(x, [0, 0, 1, 0], [2, 5, 4, 7])],
    ['slice batch', (x) => tf.slice(x, [1, 0, 0, 0], [1, 5, 6, 7])],
    ['slice two axes (stock path)', (x) => tf.slice(x, [0, 1, 1, 0], [2, 3, 4, 7])],
    ['split channels 3 ways', (x) => tf.split(x, [2, 4, 1], 3)],
    ['split height', (x) => tf.split(x, [1, 4], 1)],
    ['concat channels', (x) => tf.concat([x, tf.mul(x, 2), tf.slice(x, [0, 0, 0, 0], [2, 5, 6, 1])], 3)],
    ['concat height', (x) => tf.concat([x, tf.slice(x, [0, 0, 0, 0], [2, 2, 6, 7])], 1)],
    ['concat int32 channels', (x) => tf.concat([tf.cast(tf.mul(x, 10), 'int32'), tf.cast(x, 'int32')], 3)],
    ['gradient of concat (split)', (x) => tf.grad((y: tf.Tensor) => tf.sum(tf.mul(tf.concat([y, tf.square(y)], 3), tf.range(0, 14).reshape([1, 1, 1, 14]))))(x)],
  ];
  for (const [name, op] of cases) {
    const run = (b: string) => onBackend(b, () => tf.tidy(() => {
      const y = op(tf.tensor(xv, shape));
      return (Array.isArray(y) ? y : [y]).map((t) => ({ v: Array.from(t.dataSync()), s: t.shape, d: t.dtype }));
    }));
    const before = tf.memory().numTensors;
    const w = await run('wasm');
    assert.equal(tf.memory().numTensors, before, `${name}: leak`);
    const c = await run('cpu');
    assert.deepEqual(w.map((t) => [t.s, t.d]), c.map((t) => [t.s, t.d]), name);
    for (let i = 0; i < w.length; i++) assert.ok(relMaxError(w[i]!.v, c[i]!.v) < 1e-6, `${name} output ${i}`);
  }
});

test('Identity and same-dtype Cast on wasm share data without a copy and keep it alive when the source is disposed', () => {
  const x = tf.tensor([1, -2, 3.5, 4], [2, 2]);
  const bytes = tf.memory().numBytes;
  const a = tf.clone(x);
  const b = tf.cast(x, 'float32');
  const c = tf.cast(x, 'int32'); // a real conversion still converts
  assert.deepEqual(Array.from(c.dataSync()), [1, -2, 3, 4]);
  x.dispose();
  assert.deepEqual(Array.from(a.dataSync()), [1, -2, 3.5, 4]);
  assert.deepEqual(Array.from(b.dataSync()), [1, -2, 3.5, 4]);
  a.dispose();
  assert.deepEqual(Array.from(b.dataSync()), [1, -2, 3.5, 4]);
  tf.dispose([b, c]);
  assert.ok(tf.memory().numBytes <= bytes - 16, 'all freed');
});

test('LacunaAdam: the fused Adam update equals tfjs AdamOptimizer bit for bit on wasm, and leaks nothing', async () => {
  const { FusedAdamOptimizer } = await import('../train/fused_adam.js');
  const run = (make: () => tf.Optimizer) => {
    const a = tf.variable(tf.randomNormal([37, 5], 0, 1, 'float32', 11), true, 'adam_a');
    const b = tf.variable(tf.randomNormal([3], 0, 1, 'float32', 12), true, 'adam_b');
    const frozen = tf.variable(tf.ones([2]), true, 'adam_frozen'); // never gets a gradient
    const opt = make();
    let afterFirst = 0;
    for (let step = 0; step < 7; step++) {
      const g = tf.tidy(() => [tf.randomNormal([37, 5], 0, 1 + step, 'float32', 20 + step), tf.randomNormal([3], 0, 0.01, 'float32', 40 + step)]);
      opt.applyGradients([{ name: 'adam_a', tensor: g[0]! }, { name: 'adam_b', tensor: g[1]! }]);
      tf.dispose(g);
      if (step === 0) afterFirst = tf.memory().numTensors;
    }
    assert.equal(tf.memory().numTensors, afterFirst, 'no tensors leak per step');
    const out = [a, b, frozen].map((v) => Array.from(v.dataSync()));
    opt.dispose();
    tf.dispose([a, b, frozen]);
    return out;
  };
  const fused = run(() => new FusedAdamOptimizer(0.01, 0.9, 0.999, 1e-8));
  const stock = run(() => tf.train.adam(0.01, 0.9, 0.999, 1e-8));
  assert.deepEqual(fused, stock);
  assert.notDeepEqual(fused[0], run(() => tf.train.adam(0.02))[0], 'the update depends on the learning rate');
});

test('the im2col and transpose kernels run on helper threads with the threaded backend, and equal the serial result', async () => {
  const { lacunaKernels, lacunaThreads, ptr } = await import('./wasm_module.js');
  const { parallel } = await import('./wasm_threads.js');
  const backend = tf.backend() as unknown as Parameters<typeof lacunaKernels>[0];
  const threads = lacunaThreads(backend);
  assert.ok(threads && threads.parts === 2, 'two parts on the 2-thread backend');
  const k = lacunaKernels(backend);
  const [rows, cols] = [1031, 37]; // not multiples of 4
  const x = tf.randomNormal([rows, cols], 0, 1, 'float32', 5);
  const serial = tf.zeros([cols, rows]);
  const threaded = tf.zeros([cols, rows]);
  k.transpose_2d(ptr(backend, x), ptr(backend, serial), rows, cols);
  parallel(k, threads, 'transpose_2d_part', [ptr(backend, x), ptr(backend, threaded), rows, cols]);
  assert.deepEqual(Array.from(threaded.dataSync()), Array.from(serial.dataSync()));
  assert.deepEqual(Array.from(serial.dataSync()), Array.from(tf.transpose(x).dataSync()));
  // im2col_t over 3 parts on this thread equals the whole kernel.
  const [B, H, W, C, KH, KW] = [2, 7, 6, 5, 3, 2];
  const xT = tf.randomNormal([C, B * H * W], 0, 1, 'float32', 6);
  const K = KH * KW * C;
  const whole = tf.zeros([K, B * H * W]);
  const parts = tf.ones([K, B * H * W]);
  k.im2col_t(ptr(backend, xT), B, 0, B, H, W, C, KH, KW, 1, 1, 1, 1, 1, 0, H, W, ptr(backend, whole));
  for (let p = 0; p < 3; p++) k.im2col_t_part(ptr(backend, xT), B, 0, B, H, W, C, KH, KW, 1, 1, 1, 1, 1, 0, H, W, ptr(backend, parts), p, 3);
  assert.deepEqual(Array.from(parts.dataSync()), Array.from(whole.dataSync()));
  tf.dispose([x, serial, threaded, xT, whole, parts]);
});
