import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { data, initBackend, tf } from '@lacuna/core';
import { cropPixelToImage } from '../render/crop.js';
import { buildCdpnNet, cdpnForward } from './cdpn_net.js';
import { cropBounds, pixelGridX2d, pnpInputs } from './pnp_inputs.js';

before(async () => {
  await initBackend();
});

const halfExtent = [0.06, 0.05, 0.04];

test('output shapes at full and half resolution; x3d stays inside the half-extent', () => {
  for (const outputSize of [64, 32]) {
    const model = buildCdpnNet({ outputSize, width: 8, seed: 1 });
    const images = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const out = cdpnForward(model, images, halfExtent);
    assert.deepEqual(out.x3d.shape, [2, outputSize, outputSize, 3]);
    assert.deepEqual(out.w2dLogits.shape, [2, outputSize, outputSize, 2]);
    assert.deepEqual(out.scale.shape, [2, 2]);
    const x = out.x3d.dataSync();
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i]!) <= halfExtent[i % 3]!);
    assert.ok(out.scale.dataSync().every((s) => s > 0));
    tf.dispose([images, out.x3d, out.w2dLogits, out.scale]);
    model.dispose();
  }
  // Same seed, same weights.
  const a = buildCdpnNet({ width: 8, seed: 5 }), b = buildCdpnNet({ width: 8, seed: 5 });
  assert.deepEqual(a.getWeights()[0]!.dataSync(), b.getWeights()[0]!.dataSync());
  a.dispose(); b.dispose();
  assert.throws(() => buildCdpnNet({ inputSize: 60 }), /multiple of 8/);
});

test('x2d maps output pixels through the box; subsampled x3d/w2d rows follow the indices', () => {
  // Box centre (300, 200), size 128, 32 x 32 output: 4 image pixels per output pixel, first centre at 238, 138.
  const grid = pixelGridX2d([300, 200, 128], 32, 32);
  assert.deepEqual([grid[0], grid[1]], [238, 138]);
  assert.deepEqual([grid[(31 * 32 + 31) * 2], grid[(31 * 32 + 31) * 2 + 1]], [362, 262]);
  assert.deepEqual([grid[(5 * 32 + 7) * 2], grid[(5 * 32 + 7) * 2 + 1]], [238 + 7 * 4, 138 + 5 * 4]);
  // Same convention as the renderer's crop pixels.
  assert.deepEqual(cropPixelToImage({ cx: 300, cy: 200, size: 128 }, 32, 5, 7), [266, 158]);
  assert.deepEqual(cropBounds([300, 200, 128], 32), [238 - 120, 138 - 120, 362 + 120, 262 + 120]);

  const B = 2, H = 4, W = 4;
  const x3d = tf.tensor4d(Array.from({ length: B * H * W * 3 }, (_, i) => i), [B, H, W, 3]);
  const w2dLogits = tf.tensor4d(Array.from({ length: B * H * W * 2 }, (_, i) => Math.sin(i)), [B, H, W, 2]);
  const scale = tf.tensor2d([1, 2, 3, 4], [2, 2]);
  const boxes = [100, 100, 40, 300, 200, 80];
  const all = pnpInputs({ x3d, w2dLogits, scale }, boxes);
  assert.deepEqual(all.x2d.shape, [2, 16, 2]);
  // Sample 1, pixel (r 2, c 1): u = 300 − 40 + 1.5·20 = 290, v = 200 − 40 + 2.5·20 = 210.
  assert.deepEqual(Array.from(all.x2d.dataSync().slice((16 + 9) * 2, (16 + 9) * 2 + 2)), [290, 210]);
  const w = all.w2d.arraySync() as number[][][];
  for (let b = 0; b < B; b++) for (let c = 0; c < 2; c++) assert.ok(Math.abs(w[b]!.reduce((s, p) => s + p[c]!, 0) - [1, 2, 3, 4][b * 2 + c]!) < 1e-5);

  const sub = pnpInputs({ x3d, w2dLogits, scale }, boxes, { points: 5, rng: new data.Random(9) });
  assert.deepEqual(sub.x3d.shape, [2, 5, 3]);
  const sx3d = sub.x3d.arraySync() as number[][][], sx2d = sub.x2d.arraySync() as number[][][], sw = sub.w2d.arraySync() as number[][][];
  const logits = w2dLogits.arraySync() as number[][][][];
  for (let b = 0; b < B; b++) {
    const idx = Array.from(sub.indices.subarray(b * 5, b * 5 + 5));
    assert.equal(new Set(idx).size, 5);
    let z = [0, 0];
    for (const p of idx) z = z.map((s, c) => s + Math.exp(logits[b]![Math.floor(p / 4)]![p % 4]![c]!));
    idx.forEach((p, i) => {
      assert.deepEqual(sx3d[b]![i], [0, 1, 2].map((k) => (b * 16 + p) * 3 + k));
      assert.deepEqual(sx2d[b]![i], [boxes[b * 3]! - boxes[b * 3 + 2]! / 2 + ((p % 4) + 0.5) * boxes[b * 3 + 2]! / 4, boxes[b * 3 + 1]! - boxes[b * 3 + 2]! / 2 + (Math.floor(p / 4) + 0.5) * boxes[b * 3 + 2]! / 4]);
      // Softmax over the kept points, times the scale.
      for (let c = 0; c < 2; c++) {
        const want = (Math.exp(logits[b]![Math.floor(p / 4)]![p % 4]![c]!) / z[c]!) * [1, 2, 3, 4][b * 2 + c]!;
        assert.ok(Math.abs(sw[b]![i]![c]! - want) < 1e-5);
      }
    });
  }
  assert.throws(() => pnpInputs({ x3d, w2dLogits, scale }, boxes, { points: 5 }), /rng/);
  assert.throws(() => pnpInputs({ x3d, w2dLogits, scale }, [1, 2, 3]), /boxes/);
  tf.dispose([x3d, w2dLogits, scale, all.x3d, all.x2d, all.w2d, sub.x3d, sub.x2d, sub.w2d]);
});

test('gradients of a loss on x3d and w2d reach every network weight', () => {
  const model = buildCdpnNet({ width: 4, seed: 2 });
  const images = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
  const target = tf.randomUniform([2, 128, 3], -0.05, 0.05, 'float32', 5);
  const c = tf.randomUniform([2, 128, 2], 0, 1, 'float32', 6);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => {
    const out = cdpnForward(model, images, halfExtent, true);
    const p = pnpInputs(out, [320, 240, 100, 300, 250, 120], { points: 128, rng: new data.Random(1) });
    return tf.add(tf.mean(tf.square(tf.sub(p.x3d, target))), tf.mean(tf.mul(p.w2d, c))) as tf.Scalar;
  }, vars);
  assert.ok(Number.isFinite(value.dataSync()[0]!));
  assert.equal(Object.keys(grads).length, vars.length);
  for (const v of vars) {
    const g = grads[v.name]!;
    const norm = tf.norm(g).dataSync()[0]!;
    assert.ok(norm > 0 && Number.isFinite(norm), `no gradient for ${v.name}`);
  }
  for (const name of ['x3d_raw', 'w2d_logits', 'log_scale']) assert.ok(vars.some((v) => v.name.includes(name)), name);
  tf.dispose([images, target, c, value, ...Object.values(grads)]);
  model.dispose();
});
