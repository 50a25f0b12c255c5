import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { activeNativeEngine, initBackend } from '../backend/node.js';
import { numericGrad, relMaxError, sampleIndices } from '../testing/gradcheck.js';
import { CONV_CASES, checkConvCase, convCaseName, onBackend } from '../testing/conv_cases.js';
import { nativeKernelSettings } from './kernels.js';
import { loadNativeEngine, type NativeEngine } from './ort_engine.js';

let engine: NativeEngine;

/** Total native runs of graphs whose key starts with `prefix`. */
const runsOf = (prefix: string) => [...engine.stats.entries()].filter(([k]) => k.startsWith(prefix)).reduce((n, [, v]) => n + v.runs, 0);

before(async () => {
  const info = await initBackend({ backend: 'wasm', threads: 2 });
  assert.equal(info.engine, 'native', `native engine expected (onnxruntime-node is an optional dependency): ${info.notes.join('; ')}`);
  assert.equal(info.native?.name, 'onnxruntime');
  engine = activeNativeEngine()!;
  nativeKernelSettings.minFlops = 0; // send every size through the engine
});

for (const c of CONV_CASES) {
  test(`native conv2d forward and gradients match cpu and finite differences: ${convCaseName(c)}`, async () => {
    const runs = [runsOf('conv'), runsOf('dx'), runsOf('dw')];
    await checkConvCase(c, () =>
      assert.deepEqual([runsOf('conv'), runsOf('dx'), runsOf('dw')].map((n, i) => n > runs[i]!), [true, true, true], 'all three kernels ran natively'),
    );
  });
}

test('native fused conv2d (bias, every activation) and its gradients match cpu', async () => {
  const xs: [number, number, number, number] = [2, 8, 8, 5];
  const ws: [number, number, number, number] = [3, 3, 5, 6];
  const xv = tf.randomNormal(xs, 0, 1, 'float32', 11).dataSync();
  const wv = tf.randomNormal(ws, 0, 0.4, 'float32', 12).dataSync();
  const biases: [string, number[]][] = [['per-channel', [6]], ['broadcast', [8, 6]], ['none', []]];
  for (const activation of ['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu', 'prelu'] as const) {
    for (const [biasKind, biasShape] of biases) {
      const bv = biasShape.length ? tf.randomNormal(biasShape, 0, 1, 'float32', 13).dataSync() : null;
      const pv = tf.randomUniform([6], 0.05, 0.5, 'float32', 14).dataSync();
      const run = (backend: string) =>
        onBackend(backend, () =>
          tf.tidy(() => {
            const x = tf.tensor(xv, xs) as tf.Tensor4D;
            const w = tf.tensor(wv, ws) as tf.Tensor4D;
            const f = (x: tf.Tensor, w: tf.Tensor) =>
              tf.sum(
                tf.square(
                  tf.fused.conv2d({
                    x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: 'same',
                    ...(bv ? { bias: tf.tensor(bv, biasShape) } : {}),
                    activation, leakyreluAlpha: 0.15,
                    ...(activation === 'prelu' ? { preluActivationWeights: tf.tensor(pv, [6]) } : {}),
                  }),
                ),
              ) as tf.Scalar;
            return [f(x, w), ...tf.grads(f)([x, w])].map((t) => t.dataSync().slice());
          }),
        );
      const before = runsOf('conv');
      const n = await run('wasm');
      assert.ok(runsOf('conv') > before, `${activation} ${biasKind}: native ran`);
      const c = await run('cpu');
      for (let i = 0; i < 3; i++) assert.ok(relMaxError(n[i]!, c[i]!) < 1e-4, `${activation} bias ${biasKind} output ${i}: ${relMaxError(n[i]!, c[i]!)}`);
    }
  }
});

test('native 1x1 convolution (one product) and conv2dTranspose match cpu', async () => {
  const cases: [[number, number, number, number], [number, number, number, number], number, 'same' | 'valid'][] = [
    [[2, 5, 5, 4], [2, 2, 3, 4], 2, 'valid'],
    [[2, 5, 5, 4], [4, 4, 3, 4], 2, 'same'],
    [[1, 6, 6, 4], [3, 3, 3, 4], 1, 'same'],
  ];
  for (const [xs, ws, s, pad] of cases) {
    const xv = tf.randomNormal(xs, 0, 1, 'float32', 4).dataSync();
    const wv = tf.randomNormal(ws, 0, 1, 'float32', 5).dataSync();
    const outShape: [number, number, number, number] = [xs[0]!, xs[1]! * s, xs[2]! * s, ws[2]!];
    const run = (b: string) => onBackend(b, () => tf.tidy(() => tf.conv2dTranspose(tf.tensor(xv, xs) as tf.Tensor4D, tf.tensor(wv, ws) as tf.Tensor4D, outShape, s, pad).dataSync().slice()));
    const before = runsOf('dx');
    const e = relMaxError(await run('wasm'), await run('cpu'));
    assert.ok(runsOf('dx') > before);
    assert.ok(e < 1e-5, `conv2dTranspose ${xs} ${ws} s${s} ${pad}: ${e}`);
  }
  const xv = tf.randomNormal([2, 4, 4, 7], 0, 1, 'float32', 6).dataSync();
  const wv = tf.randomNormal([1, 1, 7, 3], 0, 1, 'float32', 7).dataSync();
  const loss = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid'))) as tf.Scalar;
  const run = (b: string) => onBackend(b, () => tf.tidy(() => tf.grads(loss)([tf.tensor(xv, [2, 4, 4, 7]), tf.tensor(wv, [1, 1, 7, 3])]).map((g) => g.dataSync().slice())));
  const n = await run('wasm');
  const c = await run('cpu');
  assert.ok(relMaxError(n[0]!, c[0]!) < 1e-5 && relMaxError(n[1]!, c[1]!) < 1e-5, '1x1 conv gradients');
});

test('native batch matmul with every transpose flag, batched and broadcast, matches cpu and finite differences', async () => {
  const cases: [number[], number[]][] = [
    [[1, 6, 5], [1, 5, 4]],
    [[3, 6, 5], [3, 5, 4]],
    [[3, 6, 5], [1, 5, 4]],
    [[1, 6, 5], [2, 5, 4]],
  ];
  for (const [sa, sb] of cases) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const shapeA = ta ? [sa[0]!, sa[2]!, sa[1]!] : sa;
        const shapeB = tb ? [sb[0]!, sb[2]!, sb[1]!] : sb;
        const av = tf.randomNormal(shapeA, 0, 1, 'float32', 8).dataSync();
        const bv = tf.randomNormal(shapeB, 0, 1, 'float32', 9).dataSync();
        const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, ta, tb))) as tf.Scalar;
        const run = (backend: string, productOnly: boolean) =>
          onBackend(backend, () =>
            tf.tidy(() => {
              const a = tf.tensor(av, shapeA);
              const b = tf.tensor(bv, shapeB);
              const product = tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, ta, tb);
              return [product, ...(productOnly ? [] : tf.grads(loss)([a, b]))].map((t) => t.dataSync().slice());
            }),
          );
        const before = runsOf('matmul');
        // tfjs' BatchMatMul gradient does not reduce a broadcast batch axis (on any backend),
        // so broadcast cases check the product only.
        const broadcast = shapeA[0] !== shapeB[0];
        const n = await run('wasm', broadcast);
        assert.ok(runsOf('matmul') > before, 'native ran');
        const c = await run('cpu', broadcast);
        const name = `${shapeA} x ${shapeB} tA ${ta} tB ${tb}`;
        assert.ok(relMaxError(n[0]!, c[0]!) < 1e-5, `${name}: product ${relMaxError(n[0]!, c[0]!)}`);
        if (broadcast) continue;
        for (let i = 1; i < 3; i++) assert.ok(relMaxError(n[i]!, c[i]!) < 1e-5, `${name} output ${i}: ${relMaxError(n[i]!, c[i]!)}`);
        const a = tf.tensor(av, shapeA);
        const b = tf.tensor(bv, shapeB);
        const ia = sampleIndices(av.length, 6);
        assert.ok(relMaxError(ia.map((i) => n[1]![i]!), numericGrad(loss, [a, b], 0, ia, 1e-2)) < 2e-2, `${name}: da vs finite differences`);
        tf.dispose([a, b]);
      }
    }
  }
});

test('native fused matmul (dense layer: bias and activation) matches cpu', async () => {
  const av = tf.randomNormal([16, 12], 0, 1, 'float32', 21).dataSync();
  const bv = tf.randomNormal([12, 10], 0, 1, 'float32', 22).dataSync();
  const biasv = tf.randomNormal([10], 0, 1, 'float32', 23).dataSync();
  for (const activation of ['linear', 'relu', 'sigmoid', 'leakyrelu'] as const) {
    const run = (backend: string) =>
      onBackend(backend, () =>
        tf.tidy(() => {
          const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias: tf.tensor(biasv), activation }))) as tf.Scalar;
          const a = tf.tensor(av, [16, 12]);
          const b = tf.tensor(bv, [12, 10]);
          return [f(a, b), ...tf.grads(f)([a, b])].map((t) => t.dataSync().slice());
        }),
      );
    const n = await run('wasm');
    const c = await run('cpu');
    for (let i = 0; i < 3; i++) assert.ok(relMaxError(n[i]!, c[i]!) < 1e-5, `${activation} output ${i}: ${relMaxError(n[i]!, c[i]!)}`);
  }
});

test('native training is deterministic and leaks neither tensors nor native memory over 100 steps', () => {
  const train = (steps: number, onStep?: (i: number) => void): Float32Array => {
    const w1 = tf.variable(tf.randomNormal([3, 3, 4, 8], 0, 0.3, 'float32', 31));
    const w2 = tf.variable(tf.randomNormal([3, 3, 8, 1], 0, 0.3, 'float32', 32));
    const x = tf.randomNormal([4, 16, 16, 4], 0, 1, 'float32', 33) as tf.Tensor4D;
    const y = tf.randomNormal([4, 8, 8, 1], 0, 1, 'float32', 34);
    const opt = tf.train.adam(1e-2);
    for (let i = 0; i < steps; i++) {
      tf.dispose(opt.minimize(() => {
        const h = tf.relu(tf.conv2d(x, w1 as tf.Tensor4D, 1, 'same'));
        const o = tf.conv2d(h, w2 as tf.Tensor4D, 2, 'same');
        return tf.mean(tf.square(tf.sub(o, y))) as tf.Scalar;
      }) ?? []);
      onStep?.(i);
    }
    const out = w2.dataSync().slice() as Float32Array;
    opt.dispose();
    tf.dispose([w1, w2, x, y]);
    return out;
  };
  const a = train(5);
  const b = train(5);
  assert.deepEqual(Array.from(a), Array.from(b), 'same inputs, same weights, bit for bit');
  const rss: number[] = [];
  const tensors: number[] = [];
  train(100, (i) => {
    if (i === 9 || i === 99) {
      rss.push(process.memoryUsage().rss);
      tensors.push(tf.memory().numTensors);
    }
  });
  assert.equal(tensors[1], tensors[0], 'tensor count flat');
  const growthMB = (rss[1]! - rss[0]!) / 2 ** 20;
  assert.ok(growthMB < 32, `process memory grew ${growthMB.toFixed(1)} MB over 90 steps`);
});

test('without onnxruntime-node the engine reports why, and LACUNA_NATIVE=0 runs the wasm kernels', async () => {
  const missing = await loadNativeEngine(2, 'onnxruntime-node-not-installed');
  assert.equal(missing.engine, null);
  assert.match((missing as { reason: string }).reason, /onnxruntime-node-not-installed is not installed/);
  const script = `
    import { initBackend, tf } from ${JSON.stringify(fileURLToPath(new URL('../node.ts', import.meta.url)))};
    const info = await initBackend({ threads: 2 });
    const x = tf.randomNormal([2, 9, 9, 3], 0, 1, 'float32', 1);
    const w = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 2);
    const g = tf.grad((w) => tf.sum(tf.square(tf.conv2d(x, w, 1, 'same'))))(w);
    console.log(JSON.stringify({ engine: info.engine, native: info.native, notes: info.notes, g: Array.from(g.dataSync().slice(0, 4)) }));
  `;
  // A file, not --eval: the wasm backend's worker threads inherit the parent's flags.
  const dir = mkdtempSync(join(tmpdir(), 'lacuna-native-off-'));
  const file = join(dir, 'run.mts');
  writeFileSync(file, script);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', env: { ...process.env, LACUNA_NATIVE: '0' } });
  rmSync(dir, { recursive: true, force: true });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { engine: string; native: unknown; notes: string[]; g: number[] };
  assert.equal(out.engine, 'wasm');
  assert.equal(out.native, null);
  assert.ok(out.notes.some((n) => n.includes('LACUNA_NATIVE=0')), out.notes.join('; '));
  const expected = await onBackend('cpu', () => tf.tidy(() => {
    const x = tf.randomNormal([2, 9, 9, 3], 0, 1, 'float32', 1);
    const w = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 2);
    return Array.from(tf.grad((w: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'))))(w).dataSync().slice(0, 4));
  }));
  assert.ok(relMaxError(out.g, expected) < 1e-4, `${out.g} vs ${expected}`);
});
