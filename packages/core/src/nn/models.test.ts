import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { lenetDigits } from './lenet.js';
import { paramCounts } from './param_count.js';
import { patchGanDiscriminator, patchGanFeatures } from './patchgan.js';
import { resnetGenerator } from './resnet_generator.js';
import { smallCnn } from './small_cnn.js';
import { unet2d } from './unet.js';
import type * as tfl from '@tensorflow/tfjs-layers';

await tf.setBackend('cpu');

const conv = (cin: number, cout: number, k: number, bias: boolean) => cin * cout * k * k + (bias ? cout : 0);
const dense = (cin: number, cout: number) => cin * cout + cout;
const affine = (c: number) => 2 * c;

function predictShape(m: tfl.LayersModel, shape: number[]): number[] {
  return tf.tidy(() => (m.predict(tf.zeros(shape)) as tf.Tensor).shape);
}

/** milesial-style U-Net, by hand: DoubleConv = 2 × (conv3 no bias + affine norm); Up = ConvT2 (bias) + DoubleConv. */
function unetParams(cin: number, cout: number, base: number, depth: number): number {
  const dc = (a: number, b: number) => conv(a, b, 3, false) + affine(b) + conv(b, b, 3, false) + affine(b);
  const ch = (l: number) => base * 2 ** l;
  let n = dc(cin, ch(0));
  for (let l = 1; l <= depth; l++) n += dc(ch(l - 1), ch(l));
  for (let l = depth - 1; l >= 0; l--) n += conv(ch(l + 1), ch(l), 2, true) + dc(2 * ch(l), ch(l));
  return n + conv(ch(0), cout, 1, true);
}

test('unet2d(1→1, base 32, depth 4): 7,762,465 parameters, the same as milesial UNet(bilinear=False) at width 32', () => {
  const m = unet2d({ inChannels: 1, outChannels: 1, init: { seed: 1 } });
  assert.equal(unetParams(1, 1, 32, 4), 7_762_465);
  assert.deepEqual(paramCounts(m), { trainable: 7_762_465, nonTrainable: 0, total: 7_762_465 });
  assert.deepEqual(predictShape(m, [1, 16, 16, 1]), [1, 16, 16, 1]);
  m.dispose();
});

test('unet2d: small configurations, batch norm, resize upsampling, final activation', () => {
  const a = unet2d({ inChannels: 2, outChannels: 3, baseChannels: 4, depth: 2, finalActivation: 'sigmoid', init: { seed: 2 } });
  assert.equal(a.countParams(), unetParams(2, 3, 4, 2));
  const y = tf.tidy(() => (a.predict(tf.randomNormal([2, 8, 12, 2], 0, 1, 'float32', 1)) as tf.Tensor).arraySync()) as number[][][][];
  assert.deepEqual([y.length, y[0]!.length, y[0]![0]!.length, y[0]![0]![0]!.length], [2, 8, 12, 3]);
  assert.ok(y.flat(3).every((v) => v > 0 && v < 1));
  const b = unet2d({ inChannels: 1, outChannels: 1, baseChannels: 4, depth: 2, norm: 'batch', upsample: 'bilinear', init: { seed: 3 } });
  // Resize + conv3 (bias, no norm) instead of the transposed conv.
  const resizeDelta = [1, 0].reduce((s, l) => s + conv(4 * 2 ** (l + 1), 4 * 2 ** l, 3, true) - conv(4 * 2 ** (l + 1), 4 * 2 ** l, 2, true), 0);
  assert.equal(paramCounts(b).trainable, unetParams(1, 1, 4, 2) + resizeDelta);
  assert.deepEqual(predictShape(b, [1, 8, 8, 1]), [1, 8, 8, 1]);
  assert.throws(() => unet2d({ inChannels: 1, outChannels: 1, depth: 2, inputSize: [10, 8] }), /divisible/);
});

/** CycleGAN ResnetGenerator with instance norm (affine=False): every conv has a bias. */
function resnetGenParams(cin: number, cout: number, ngf: number, nBlocks: number): number {
  let n = conv(cin, ngf, 7, true) + conv(ngf, 2 * ngf, 3, true) + conv(2 * ngf, 4 * ngf, 3, true);
  n += nBlocks * 2 * conv(4 * ngf, 4 * ngf, 3, true);
  n += conv(4 * ngf, 2 * ngf, 3, true) + conv(2 * ngf, ngf, 3, true); // transposed convs count the same
  return n + conv(ngf, cout, 7, true);
}

test('resnetGenerator(3→3, ngf 64, 9 blocks): 11,378,179 parameters, as CycleGAN resnet_9blocks', () => {
  assert.equal(resnetGenParams(3, 3, 64, 9), 11_378_179);
  const m = resnetGenerator({ inChannels: 3, outChannels: 3, init: { kind: 'normal02', seed: 4 } });
  assert.equal(m.countParams(), 11_378_179);
  m.dispose();
});

test('resnetGenerator: small one keeps H×W, output in (−1, 1); batch-norm variant drops biases', () => {
  const m = resnetGenerator({ inChannels: 1, outChannels: 2, ngf: 4, nBlocks: 2, init: { seed: 5 } });
  assert.equal(m.countParams(), resnetGenParams(1, 2, 4, 2));
  const y = tf.tidy(() => Array.from((m.predict(tf.randomNormal([1, 12, 8, 1], 0, 1, 'float32', 2)) as tf.Tensor).dataSync()));
  assert.equal(y.length, 12 * 8 * 2);
  assert.ok(y.every((v) => v > -1 && v < 1));
  const bn = resnetGenerator({ inChannels: 1, outChannels: 1, ngf: 4, nBlocks: 1, norm: 'batch', init: { seed: 6 } });
  const want = conv(1, 4, 7, false) + affine(4) + conv(4, 8, 3, false) + affine(8) + conv(8, 16, 3, false) + affine(16)
    + 2 * (conv(16, 16, 3, false) + affine(16)) + conv(16, 8, 3, false) + affine(8) + conv(8, 4, 3, false) + affine(4) + conv(4, 1, 7, true);
  assert.equal(paramCounts(bn).trainable, want);
  assert.deepEqual(predictShape(bn, [2, 8, 8, 1]), [2, 8, 8, 1]);
});

/** pix2pix NLayerDiscriminator (kw 4): first/last conv with bias; inner convs bias only without an affine norm. */
function patchGanParams(cin: number, ndf: number, nLayers: number, norm: 'batch' | 'instance'): { trainable: number; buffers: number } {
  const bias = norm === 'instance';
  let trainable = conv(cin, ndf, 4, true);
  let buffers = 0;
  let prev = ndf;
  for (let n = 1; n <= nLayers; n++) {
    const c = ndf * Math.min(2 ** n, 8);
    trainable += conv(prev, c, 4, bias) + (norm === 'batch' ? affine(c) : 0);
    buffers += norm === 'batch' ? 2 * c : 0;
    prev = c;
  }
  return { trainable: trainable + conv(prev, 1, 4, true), buffers };
}

test('patchGanDiscriminator(6, ndf 64, 3 layers, batch): 2,768,705 parameters; 256² → 30×30, 32² → 2×2', () => {
  const want = patchGanParams(6, 64, 3, 'batch');
  assert.equal(want.trainable, 2_768_705);
  const d = patchGanDiscriminator({ inChannels: 6, init: { seed: 7 } });
  assert.deepEqual(paramCounts(d), { trainable: want.trainable, nonTrainable: want.buffers, total: want.trainable + want.buffers });
  assert.deepEqual(predictShape(d, [1, 32, 32, 6]), [1, 2, 2, 1]);
  assert.deepEqual(d.outputs[0]!.shape, [null, null, null, 1]);
  d.dispose();
  const fixed = patchGanDiscriminator({ inChannels: 1, ndf: 2, inputSize: [256, 256], init: { seed: 8 } });
  assert.deepEqual(fixed.outputs[0]!.shape, [null, 30, 30, 1]);
});

test('patchGanFeatures: shares weights and returns [feat1..feat4, logits]', () => {
  const d = patchGanDiscriminator({ inChannels: 2, ndf: 4, norm: 'instance', init: { seed: 9 } });
  assert.equal(d.countParams(), patchGanParams(2, 4, 3, 'instance').trainable);
  const f = patchGanFeatures(d);
  assert.equal(f.outputs.length, 5);
  const x = tf.randomNormal([1, 32, 32, 2], 0, 1, 'float32', 3);
  const outs = f.predict(x) as tf.Tensor[];
  assert.deepEqual(outs.map((t) => t.shape), [[1, 16, 16, 4], [1, 8, 8, 8], [1, 4, 4, 16], [1, 3, 3, 32], [1, 2, 2, 1]]);
  const direct = d.predict(x) as tf.Tensor;
  assert.deepEqual(Array.from(outs[4]!.dataSync()), Array.from(direct.dataSync()));
  assert.equal(f.trainableWeights[0]!.read(), d.trainableWeights[0]!.read()); // the same variable
});

test('lenetDigits: 233,708 trainable parameters for 10 classes; [B, 28, 28, 1] → [B, 10]', () => {
  const m = lenetDigits({ init: { seed: 10 } });
  const trainable = conv(1, 20, 5, true) + conv(20, 50, 5, true) + dense(800, 256) + affine(256) + dense(256, 10);
  assert.equal(trainable, 233_708);
  assert.deepEqual(paramCounts(m), { trainable, nonTrainable: 2 * 256 + 1, total: trainable + 513 });
  assert.deepEqual(predictShape(m, [3, 28, 28, 1]), [3, 10]);
  assert.deepEqual(m.getLayer(`${m.name}_bottleneck`).outputShape, [null, 256]);
});

test('smallCnn: widths, global pooling, dense head', () => {
  const m = smallCnn({ inputShape: [null, null, 3], numClasses: 5, widths: [4, 8], convsPerStage: 2, init: { seed: 11 } });
  const want = conv(3, 4, 3, false) + affine(4) + conv(4, 4, 3, false) + affine(4) + conv(4, 8, 3, false) + affine(8) + conv(8, 8, 3, false) + affine(8) + dense(8, 5);
  assert.equal(paramCounts(m).trainable, want);
  assert.deepEqual(predictShape(m, [2, 8, 10, 3]), [2, 5]);
  const h = smallCnn({ inputShape: [16, 16, 1], numClasses: 2, widths: [3], convsPerStage: 1, norm: 'none', hiddenDim: 6, dropout: { rate: 0.3, seed: 1 }, init: { seed: 12 } });
  assert.equal(paramCounts(h).trainable, conv(1, 3, 3, true) + dense(3, 6) + dense(6, 2));
  assert.deepEqual(predictShape(h, [1, 16, 16, 1]), [1, 2]);
});

test('resnetClassifier: ResNet-8-style stages, projections only where the shape changes, hand-counted parameters', async () => {
  const { resnetClassifier } = await import('./resnet_classifier.js');
  const { paramCounts } = await import('./param_count.js');
  const m = resnetClassifier({ inputShape: [8, 8, 3], numClasses: 5, blocks: [1, 1], width: 4, init: { seed: 1 }, name: 'r8' });
  // stem 3*3*3*4 + BN 2*4; stage 1: two 3*3*4*4 convs + 2 BN(4); stage 2: 3*3*4*8 + 3*3*8*8 + a 1*1*4*8 projection + 3 BN(8); head 8*5 + 5.
  const want = 108 + 8 + (144 + 8) * 2 + (288 + 16) + (576 + 16) + (32 + 16) + 45;
  assert.equal(paramCounts(m).trainable, want);
  assert.ok(m.layers.some((l) => /^r8_s2b1proj/.test(l.name)), 'stage 2 has a projection');
  assert.ok(!m.layers.some((l) => /^r8_s1b1proj/.test(l.name)), 'stage 1 has none');
  const y = m.predict(tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 1)) as tf.Tensor;
  assert.deepEqual(y.shape, [2, 5]);
  y.dispose();
  assert.throws(() => resnetClassifier({ inputShape: [8, 8, 3], numClasses: 5, blocks: [] }), /blocks must be positive integers/);
});
