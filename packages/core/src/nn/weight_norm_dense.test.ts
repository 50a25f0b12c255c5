import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { WeightNormDense } from './weight_norm_dense.js';
import { lenetDigits } from './lenet.js';

await tf.setBackend('cpu');

test('WeightNormDense: w_j = g_j v_j / ‖v_j‖, hand-computed output; starts equal to dense(v)', () => {
  const layer = new WeightNormDense({ units: 2, name: 'wn_test' });
  const x = tf.tensor2d([[1, 2]]); // [1, 2]
  layer.apply(x); // builds
  const [v0, g0] = layer.getWeights();
  // Initially g = ‖v_j‖, so the output is x·v + 0.
  const plain = (tf.matMul(x, v0!).arraySync() as number[][])[0]!;
  const out0 = (layer.apply(x) as tf.Tensor).arraySync() as number[][];
  out0[0]!.forEach((o, j) => assert.ok(Math.abs(o - plain[j]!) < 1e-5));
  // g starts at the column norms of v.
  const norms = tf.norm(v0!, 'euclidean', 0).arraySync() as number[];
  (g0!.arraySync() as number[]).forEach((g, j) => assert.ok(Math.abs(g - norms[j]!) < 1e-6));
  // v columns (3, 4) and (0, 2) have norms 5 and 2; g = (10, 1); bias (0.5, -1).
  layer.setWeights([tf.tensor2d([[3, 0], [4, 2]]), tf.tensor1d([10, 1]), tf.tensor1d([0.5, -1])]);
  const out = (layer.apply(x) as tf.Tensor).arraySync() as number[][];
  // unit 0: 10·(3·1 + 4·2)/5 + 0.5 = 22.5; unit 1: 1·(0·1 + 2·2)/2 − 1 = 1.
  assert.ok(Math.abs(out[0]![0]! - 22.5) < 1e-5, `${out[0]![0]}`);
  assert.ok(Math.abs(out[0]![1]! - 1) < 1e-5, `${out[0]![1]}`);
  // Scaling v leaves the output unchanged (only its direction counts).
  layer.setWeights([tf.tensor2d([[30, 0], [40, 0.2]]), tf.tensor1d([10, 1]), tf.tensor1d([0.5, -1])]);
  const scaled = (layer.apply(x) as tf.Tensor).arraySync() as number[][];
  assert.ok(Math.abs(scaled[0]![0]! - 22.5) < 1e-4 && Math.abs(scaled[0]![1]! - 1) < 1e-5);
});

test('lenetDigits({ weightNormClassifier }): 10 more parameters (gains), serialises and round-trips', async () => {
  const plain = lenetDigits({ init: { seed: 3 } });
  const wn = lenetDigits({ init: { seed: 3 }, weightNormClassifier: true });
  assert.equal(wn.countParams() - plain.countParams(), 10);
  const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 1);
  const y = wn.predict(x) as tf.Tensor;
  assert.deepEqual(y.shape, [2, 10]);
  const saved: tf.io.ModelArtifacts[] = [];
  await wn.save(tf.io.withSaveHandler(async (a) => (saved.push(a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  const back = await tfl.loadLayersModel(tf.io.fromMemory(saved[0]!));
  const y2 = back.predict(x) as tf.Tensor;
  assert.ok(tf.max(tf.abs(tf.sub(y, y2))).dataSync()[0]! < 1e-6);
});
