import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { ImageConv2D } from './image_conv2d.js';
import { lenetDigits } from './lenet.js';

await tf.setBackend('cpu');

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

test('ImageConv2D: the same outputs and parameter gradients as tfl conv2d (valid, with bias); a hand-computed 1x1 case', () => {
  const x = tf.randomUniform([2, 9, 7, 3], -1, 1, 'float32', 4); // [B, H, W, C]
  const ours = new ImageConv2D({ filters: 4, kernelSize: 3, name: 'ic_test' });
  const ref = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'valid', useBias: true, name: 'ref_test' });
  ours.apply(x);
  ref.apply(x);
  const kernel = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 5);
  const bias = tf.tensor1d([0.5, -1, 0, 2]);
  ours.setWeights([kernel, bias]);
  ref.setWeights([kernel, bias]);
  const a = ours.apply(x) as tf.Tensor, b = ref.apply(x) as tf.Tensor;
  assert.deepEqual(a.shape, [2, 7, 5, 4]);
  assert.deepEqual(ours.computeOutputShape([null, 9, 7, 3]), [null, 7, 5, 4]);
  assert.ok(maxDiff(a, b) < 1e-5);
  // Gradients of sum(w ⊙ y) with respect to the kernel and the bias agree.
  const w = tf.randomNormal([2, 7, 5, 4], 0, 1, 'float32', 6);
  const grads = (layer: tfl.layers.Layer) => tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, w)) as tf.Scalar, layer.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val)).grads;
  const ga = Object.values(grads(ours)), gb = Object.values(grads(ref));
  assert.equal(ga.length, 2);
  ga.forEach((g, i) => assert.ok(maxDiff(g, gb[i]!) < 1e-4, `gradient ${i}`));
  // 1x1 kernel: y = x·k + b per pixel.
  const one = new ImageConv2D({ filters: 1, kernelSize: 1, name: 'ic_one' });
  const px = tf.tensor4d([1, 2], [1, 1, 1, 2]);
  one.apply(px);
  one.setWeights([tf.tensor4d([3, -1], [1, 1, 2, 1]), tf.tensor1d([0.25])]);
  assert.ok(Math.abs((one.apply(px) as tf.Tensor).dataSync()[0]! - (3 - 2 + 0.25)) < 1e-6);
  assert.throws(() => new ImageConv2D({ filters: 0, kernelSize: 3 }), /filters must be a positive integer/);
});

test('ImageConv2D: training a LeNet computes no input gradient for the image, and the model round-trips', async () => {
  const net = lenetDigits({ init: { seed: 2 } });
  const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 7);
  const vars = net.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val);
  const profile = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(net.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, vars);
    value.dispose();
    Object.values(grads).forEach((g) => g.dispose());
  });
  // conv2 needs the gradient of its input (conv1's output); the image needs none.
  const backpropInput = profile.kernels.filter((k) => k.name === 'Conv2DBackpropInput');
  assert.equal(backpropInput.length, 1, `Conv2DBackpropInput calls: ${backpropInput.length}`);
  const handler = { save: async (a: tf.io.ModelArtifacts) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' as const } }) };
  let saved: tf.io.ModelArtifacts | undefined;
  await net.save(handler);
  const back = await tfl.loadLayersModel({ load: async () => saved! });
  assert.ok(maxDiff(net.predict(x) as tf.Tensor, back.predict(x) as tf.Tensor) < 1e-6);
  assert.ok(JSON.stringify(saved!.modelTopology).includes('ImageConv2D'));
});
