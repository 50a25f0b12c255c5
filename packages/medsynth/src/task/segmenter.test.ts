import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { tf, tfl, data, initBackend, ConfigError, ValueError } from '@lacuna/core';
import { TISSUE_LABEL } from '../phantom/tissues.js';
import { PHANTOM_SEG_CLASSES, phantomSegLabels } from './phantom_seg_classes.js';
import { buildSegmenter, segmentationDice, segmenterFeatureLayer, trainSegmenter } from './segmenter.js';

before(async () => {
  await initBackend();
});

/**
 * Phantom-like 3-class images [n, 32, 32, 1]: background (class 0, ≈ 0.1), a "head" ellipse
 * (class 1, ≈ 0.45) and an inner "brain" ellipse (class 2, ≈ 0.8), random centre and radii,
 * Gaussian noise σ 0.05. Labels as N·H·W class ids.
 */
function ellipseSet(n: number, seed: number): { images: tf.Tensor4D; labels: Uint8Array } {
  const size = 32;
  const rng = new data.Random(seed);
  const img = new Float32Array(n * size * size);
  const labels = new Uint8Array(n * size * size);
  for (let i = 0; i < n; i++) {
    const cx = rng.uniform(13, 19);
    const cy = rng.uniform(13, 19);
    const [ax, ay] = [rng.uniform(8, 12), rng.uniform(8, 12)];
    const inner = rng.uniform(0.45, 0.65);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const r = ((x - cx) / ax) ** 2 + ((y - cy) / ay) ** 2;
        const c = r < inner * inner ? 2 : r < 1 ? 1 : 0;
        const k = (i * size + y) * size + x;
        labels[k] = c;
        img[k] = [0.1, 0.45, 0.8][c]! + rng.normal(0, 0.05);
      }
    }
  }
  return { images: tf.tensor4d(img, [n, size, size, 1]), labels };
}

test('PHANTOM_SEG_CLASSES: background and extracranial → 0, CSF 1, GM 2, WM and lesion 3', () => {
  assert.deepEqual([...PHANTOM_SEG_CLASSES], [0, 1, 2, 3, 0, 0, 0, 3]);
  assert.equal(PHANTOM_SEG_CLASSES[TISSUE_LABEL.lesion], 3);
  assert.deepEqual([...phantomSegLabels(new Float32Array([0, 1, 2, 3, 4, 5, 6, 7, 3, 7]))], [0, 1, 2, 3, 0, 0, 0, 3, 3, 3]);
  assert.deepEqual([...phantomSegLabels(Uint8Array.from([6, 2]))], [0, 2]);
  assert.throws(() => phantomSegLabels(new Float32Array([1, 8])), (e: Error) => e instanceof ValueError && /label 8 at index 1/.test(e.message));
  assert.throws(() => phantomSegLabels(new Float32Array([1.5])), /label 1.5 at index 0/);
});

test('buildSegmenter: K logit channels, the shallow/deep feature layers, config errors name the field', () => {
  const net = buildSegmenter({ inChannels: 2, classes: 4, base: 4, depth: 2, seed: 1 });
  assert.deepEqual(net.outputs[0]!.shape, [null, null, null, 4]);
  assert.equal(segmenterFeatureLayer(net, 'shallow'), 'segmenter_enc0_c2_act');
  assert.equal(segmenterFeatureLayer(net, 'deep'), 'segmenter_bottleneck_c2_act');
  const same = buildSegmenter({ inChannels: 2, classes: 4, base: 4, depth: 2, seed: 1 });
  assert.deepEqual(net.getWeights()[0]!.dataSync(), same.getWeights()[0]!.dataSync()); // seeded
  const input = tfl.input({ shape: [null, null, 1] });
  const plain = tfl.model({ inputs: input, outputs: tfl.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(input) as tfl.SymbolicTensor });
  assert.throws(() => segmenterFeatureLayer(plain, 'deep'), (e: Error) => e instanceof ConfigError && e.option === 'task.net');
  assert.throws(() => buildSegmenter({ inChannels: 1, classes: 1, seed: 1 }), (e: Error) => e instanceof ConfigError && e.option === 'segmenter.classes');
  assert.throws(() => buildSegmenter({ inChannels: 1, classes: 3, depth: 0, seed: 1 }), (e: Error) => e instanceof ConfigError && e.option === 'segmenter.depth');
  [net, same, plain].forEach((m) => m.dispose());
});

test('segmentationDice equals the hand-counted pooled Dice of a fixed F', () => {
  // F = 1×1 conv with logits (0, x − 0.5): class 1 where x > 0.5.
  const input = tfl.input({ shape: [null, null, 1] });
  const net = tfl.model({ inputs: input, outputs: tfl.layers.conv2d({ filters: 2, kernelSize: 1, useBias: true }).apply(input) as tfl.SymbolicTensor });
  net.setWeights([tf.tensor4d([0, 1], [1, 1, 1, 2]), tf.tensor1d([0, -0.5])]);
  const images = tf.tensor4d([0.9, 0.8, 0.1, 0.7, 0.2, 0.3, 0.6, 0.1], [2, 2, 2, 1]); // pred 1 1 0 1 | 0 0 1 0
  const labels = Int32Array.from([1, 0, 0, 1, 0, 0, 1, 1]);
  // class 1: pred {0,1,3,6}, true {0,3,6,7}: 2·3/8; class 0: pred {2,4,5,7}, true {1,2,4,5}: 2·3/8.
  const d = segmentationDice(net, images, labels, 2);
  assert.ok(Math.abs(d.perClass[0]! - 0.75) < 1e-6 && Math.abs(d.perClass[1]! - 0.75) < 1e-6);
  assert.ok(Math.abs(d.mean - 0.75) < 1e-6);
  // A class absent from both prediction and labels is NaN and left out of the mean.
  const d3 = segmentationDice(net, images, labels, 3);
  assert.ok(Number.isNaN(d3.perClass[2]!) && Math.abs(d3.mean - 0.75) < 1e-6);
  assert.throws(() => segmentationDice(net, images, labels.slice(1), 2), /segmentationDice labels: 7 labels for 2 images of 2×2/);
  images.dispose();
  net.dispose();
});

test('trainSegmenter on phantom-like 3-class images: held-out mean Dice > 0.7, loss falls, same seed same numbers', () => {
  const train = ellipseSet(16, 1);
  const val = ellipseSet(8, 2);
  const opts = { steps: 40, batchSize: 4, lr: 1e-2, seed: 3, base: 8, depth: 2 };
  const untrained = buildSegmenter({ inChannels: 1, classes: 3, base: 8, depth: 2, seed: 3 });
  const before = segmentationDice(untrained, val.images, val.labels, 3).mean;
  const losses: number[] = [];
  const net = trainSegmenter(train.images, train.labels, { ...opts, dice: 0.5, onStep: (_, l) => losses.push(l) });
  const after = segmentationDice(net, val.images, val.labels, 3);
  assert.ok(after.mean > 0.7 && after.perClass.every((v) => v > 0.5), `Dice ${before.toFixed(3)} → ${after.mean.toFixed(3)} [${after.perClass.map((v) => v.toFixed(3))}]`);
  assert.ok(after.mean > before + 0.2);
  assert.ok(losses.slice(-5).reduce((s, v) => s + v, 0) < 0.5 * losses.slice(0, 5).reduce((s, v) => s + v, 0), `loss ${losses[0]} → ${losses.at(-1)}`);
  const again: number[] = [];
  const twin = trainSegmenter(train.images, train.labels, { ...opts, steps: 3, dice: 0.5, onStep: (_, l) => again.push(l) });
  assert.deepEqual(again, losses.slice(0, 3));
  console.log(`# trainSegmenter Dice ${before.toFixed(3)} → ${after.mean.toFixed(3)} per class [${after.perClass.map((v) => v.toFixed(3)).join(', ')}]`);
  assert.throws(() => trainSegmenter(train.images, train.labels, { ...opts, classes: 2 }), /label 2 at flat index/);
  [untrained, net, twin].forEach((m) => m.dispose());
  tf.dispose([train.images, val.images]);
});
