import { test } from 'node:test';
import assert from 'node:assert/strict';
import { data, initBackend, tf } from '@lacuna/core';
import { bilinearSample } from './bilinear_sample.js';
import { baseObjectCoordinates, basePattern, buildDeformableHead, deformableForward } from './deformable_head.js';

test('bilinear sampling: exact at cell centres and midway, zero outside, gradients in points and features against finite differences', async () => {
  await initBackend();
  const rng = new data.Random(3);
  const [B, h, w, C] = [2, 3, 4, 2];
  const fv = Float32Array.from({ length: B * h * w * C }, () => rng.uniform(-1, 1));
  const at = (b: number, y: number, x: number, c: number) => fv[((b * h + y) * w + x) * C + c]!;
  const features = tf.tensor4d(fv, [B, h, w, C]);
  // (x, y) = (1, 2) in image 1 is a cell; (1.5, 0.5) in image 0 is the mean of four cells; (-3, 0) is outside.
  const pts = tf.tensor3d([1, 2, 1.5, 0.5, -3, 0], [1, 3, 2]);
  const one = bilinearSample(features, Int32Array.of(1), pts).arraySync()[0]!;
  assert.ok(Math.abs(one[0]![0]! - at(1, 2, 1, 0)) < 1e-6);
  const two = bilinearSample(features, Int32Array.of(0), pts).arraySync()[0]!;
  const mid = (at(0, 0, 1, 1) + at(0, 0, 2, 1) + at(0, 1, 1, 1) + at(0, 1, 2, 1)) / 4;
  assert.ok(Math.abs(two[1]![1]! - mid) < 1e-6);
  assert.deepEqual(two[2], [0, 0]);

  // Gradients of sum(c ⊙ sample) at generic points (inside, at the border, partly outside).
  const pv = [0.3, 0.7, 2.6, 1.2, 3.4, 1.9, -0.4, 0.5];
  const cv = Float32Array.from({ length: 4 * C }, () => rng.uniform(-1, 1));
  const f = (p: tf.Tensor3D, feat: tf.Tensor4D) => tf.sum(tf.mul(bilinearSample(feat, Int32Array.of(1), p), tf.tensor3d(cv, [1, 4, C]))) as tf.Scalar;
  const [gp, gf] = tf.grads((p: tf.Tensor, feat: tf.Tensor) => f(p as tf.Tensor3D, feat as tf.Tensor4D))([tf.tensor3d(pv, [1, 4, 2]), features]);
  const gpv = gp!.dataSync(), gfv = gf!.dataSync();
  const eps = 1e-3;
  for (let k = 0; k < pv.length; k++) {
    const plus = [...pv], minus = [...pv];
    plus[k] += eps;
    minus[k] -= eps;
    const fd = (f(tf.tensor3d(plus, [1, 4, 2]), features).dataSync()[0]! - f(tf.tensor3d(minus, [1, 4, 2]), features).dataSync()[0]!) / (2 * eps);
    assert.ok(Math.abs(fd - gpv[k]!) < 2e-3, `d/dpoint[${k}]: finite differences ${fd}, gradient ${gpv[k]}`);
  }
  for (const k of [((1 * h + 0) * w + 0) * C, ((1 * h + 1) * w + 2) * C + 1, ((1 * h + 2) * w + 3) * C, 5]) {
    const plus = Float32Array.from(fv), minus = Float32Array.from(fv);
    plus[k] += eps;
    minus[k] -= eps;
    const fd = (f(tf.tensor3d(pv, [1, 4, 2]), tf.tensor4d(plus, [B, h, w, C])).dataSync()[0]! - f(tf.tensor3d(pv, [1, 4, 2]), tf.tensor4d(minus, [B, h, w, C])).dataSync()[0]!) / (2 * eps);
    assert.ok(Math.abs(fd - gfv[k]!) < 2e-3, `d/dfeature[${k}]: finite differences ${fd}, gradient ${gfv[k]}`);
  }
});

test('the deformable head: points start on the base grid over the box, weights sum to the scale, gradients reach the offsets', async () => {
  await initBackend();
  const head = buildDeformableHead({ featureChannels: 4, points: 16, seed: 2 });
  const features = tf.randomNormal([1, 6, 8, 4], 0, 1, 'float32', 5) as tf.Tensor4D;
  const q = { batchIndex: Int32Array.of(0, 0), cell: Int32Array.of(9, 20), reference: Float32Array.of(10, 8, 20, 12), extent: Float32Array.of(4, 6, 2, 3), meanHalf: Float32Array.of(0.9, 0.8, 2.1, 0.3, 0.9, 0.3) };
  const out = deformableForward(head, features, q, 4);
  assert.deepEqual(out.x2d.shape, [2, 16, 2]);
  const x2d = out.x2d.arraySync(), g = basePattern(16);
  // Offsets start at N(0, 0.01)-initialised outputs: within 0.1 box half-sizes of the grid.
  for (let n = 0; n < 16; n++) {
    assert.ok(Math.abs(x2d[0]![n]![0]! - (10 + 4 * g[n * 2]!)) < 0.4 && Math.abs(x2d[0]![n]![1]! - (8 + 6 * g[n * 2 + 1]!)) < 0.6);
  }
  // x3d starts on the base object coordinates times the class's mean half size (size ratio e^~0).
  const x3d = out.x3d.arraySync(), c3 = baseObjectCoordinates(16);
  for (let m = 0; m < 2; m++) for (let n = 0; n < 16; n++) for (let a = 0; a < 3; a++) {
    const want = c3[n * 3 + a]! * q.meanHalf[m * 3 + a]!;
    assert.ok(Math.abs(x3d[m]![n]![a]! - want) < 0.15 * q.meanHalf[m * 3 + a]!, `x3d[${m}][${n}][${a}] ${x3d[m]![n]![a]} vs ${want}`);
  }
  const wsum = tf.sum(out.w2d, 1).arraySync() as number[][], scale = out.scale.arraySync();
  for (let m = 0; m < 2; m++) for (let a = 0; a < 2; a++) assert.ok(Math.abs(wsum[m]![a]! - scale[m]![a]!) < 1e-5);
  // The gradient of a loss on the sampled features reaches the query head's offset weights.
  const grads = tf.variableGrads(() => tf.sum(tf.square(deformableForward(head, features, q, 4).x3d)) as tf.Scalar, head.query.trainableWeights.map((w) => w.read() as tf.Variable));
  const norm = Object.values(grads.grads).reduce((s, t) => s + (tf.sum(tf.abs(t)).dataSync()[0] as number), 0);
  assert.ok(norm > 0 && Number.isFinite(norm), `gradient norm ${norm}`);
});

test('the EPro-PnP head trains: its Monte Carlo loss falls, its x3d spread as the objects do, and the model folder round-trips with its head', async () => {
  await initBackend();
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { renderDetectionData, trainDetector, loadDetector, evaluateDetector, verticalWeights, x3dSpread } = await import('./train_detector.js');
  const dir = await mkdtemp(join(tmpdir(), 'lacuna-epropnp-head-'));
  try {
    const d = renderDetectionData(12, 4);
    // The training loss (normalised by the running weight scale, as EPro-PnP trains it), first and last 10 steps.
    const mc: number[] = [];
    await trainDetector({ out: join(dir, 'run'), data: d, head: 'epropnp', steps: 60, batchSize: 8, channels: 8, lr: 3e-3, seed: 1, progress: 'none', checkpointEvery: 60, onStep: (_, l) => void (l.mc !== undefined && mc.push(l.mc)) });
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const first = mean(mc.slice(0, 10)), last = mean(mc.slice(-10));
    assert.ok(mc.length === 60 && last < 0.8 * first, `Monte Carlo loss, mean of the first and last 10 steps: ${first.toFixed(2)} -> ${last.toFixed(2)}`);
    const model = await loadDetector(join(dir, 'run'));
    assert.equal(model.meta.head, 'epropnp');
    assert.equal(model.deformable?.points, 32);
    const found = (await import('./detector_model.js')).detect(model, Float32Array.from(d.images.subarray(0, 2 * 128 * 96 * 3), (v) => v / 255), 2, { minScore: 0 });
    const withPoints = found.flat().filter((x) => x.correspondences);
    assert.ok(withPoints.length > 0 && withPoints.every((x) => x.correspondences!.x3d.length === 96 && x.covariance!.length === 16 && x.centre.every(Number.isFinite)));
    assert.ok(Number.isFinite(evaluateDetector(model, renderDetectionData(3, 99)).nds));
    assert.ok(Number.isFinite(verticalWeights(model, d)));
    // x3d is never supervised, yet on every axis of both classes its points spread about as the
    // true box does (ratio 1): not a line or a plane, nor metres outside the object.
    const spread = x3dSpread(model, d);
    assert.deepEqual(Object.keys(spread).sort(), ['car', 'pedestrian']);
    for (const [cls, axes] of Object.entries(spread)) assert.ok(axes.every((r) => r > 0.5 && r < 1.6), `${cls} x3d spread over the true box's, x y z: ${axes.map((r) => r.toFixed(2)).join(' ')}`);
    model.net.dispose();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an EPro-PnP detector run resumed from its step-3 checkpoint ends with the uninterrupted run\'s weights, bit for bit', async () => {
  await initBackend();
  const { cpSync, mkdtempSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { renderDetectionData, trainDetector } = await import('./train_detector.js');
  const dir = mkdtempSync(join(tmpdir(), 'lacuna-detect-resume-'));
  try {
    const d = renderDetectionData(8, 3);
    const o = { data: d, head: 'epropnp' as const, steps: 6, batchSize: 4, channels: 8, checkpointEvery: 3, progress: 'none' as const };
    await trainDetector({ ...o, out: join(dir, 'a') });
    // A run stopped after step 3 holds only that checkpoint (its sampler and weight-scale mean included).
    cpSync(join(dir, 'a', 'checkpoints', 'step-000000003'), join(dir, 'b', 'checkpoints', 'step-000000003'), { recursive: true });
    await trainDetector({ ...o, out: join(dir, 'b'), resume: true });
    for (const net of ['network', 'query', 'point']) {
      assert.ok(readFileSync(join(dir, 'a', 'model', net, 'weights.bin')).equals(readFileSync(join(dir, 'b', 'model', net, 'weights.bin'))), `${net} weights differ`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('poseConfidence: 1 within 18 cm on the ground plane, 0 beyond 8 m, (2.5 - log2 σ) / 4 between (hand-computed)', async () => {
  const { poseConfidence } = await import('./detector_model.js');
  const cov = (vx: number, vz: number) => Float64Array.from({ length: 16 }, (_, k) => (k === 0 ? vx : k === 10 ? vz : k === 5 ? 99 : k === 15 ? 99 : 0));
  assert.equal(poseConfidence(cov(0.01, 0.01)), 1); // σ = 0.141 m
  assert.ok(Math.abs(poseConfidence(cov(0.5, 0.5)) - 0.625) < 1e-12); // σ = 1 m: 2.5 / 4
  assert.ok(Math.abs(poseConfidence(cov(4, 0)) - 0.375) < 1e-12); // σ = 2 m: 1.5 / 4
  assert.equal(poseConfidence(cov(40, 40)), 0); // σ = 8.9 m
  assert.equal(poseConfidence(cov(NaN, 1)), 0);
});

test('the deformable head with attention among the points: same outputs and start, and the attention layers get gradients', () => {
  const head = buildDeformableHead({ featureChannels: 4, points: 16, seed: 2, pointAttention: true });
  const features = tf.randomNormal([1, 6, 8, 4], 0, 1, 'float32', 5) as tf.Tensor4D;
  const q = { batchIndex: Int32Array.of(0, 0), cell: Int32Array.of(9, 20), reference: Float32Array.of(10, 8, 20, 12), extent: Float32Array.of(4, 6, 2, 3), meanHalf: Float32Array.of(0.9, 0.8, 2.1, 0.3, 0.9, 0.3) };
  const out = deformableForward(head, features, q, 4);
  assert.deepEqual([out.x2d.shape, out.x3d.shape, out.w2d.shape], [[2, 16, 2], [2, 16, 3], [2, 16, 2]]);
  const x3d = out.x3d.arraySync(), c3 = baseObjectCoordinates(16);
  for (let n = 0; n < 16; n++) for (let a = 0; a < 3; a++) assert.ok(Math.abs(x3d[1]![n]![a]! - c3[n * 3 + a]! * q.meanHalf[3 + a]!) < 0.15 * q.meanHalf[3 + a]!);
  // A loss on the weights reaches the query and key layers only through the attention.
  const vars = head.point.trainableWeights.filter((w) => /point_[qk]\//.test(w.originalName ?? w.name)).map((w) => w.read() as tf.Variable);
  assert.equal(vars.length, 4);
  const { grads } = tf.variableGrads(() => tf.sum(tf.square(tf.sub(deformableForward(head, features, q, 4).w2d, 0.1))) as tf.Scalar, vars);
  for (const [name, g] of Object.entries(grads)) assert.ok((tf.max(tf.abs(g)).dataSync()[0] as number) > 0, `no gradient in ${name}`);
});
