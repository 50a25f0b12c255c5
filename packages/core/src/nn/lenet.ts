/**
 * The LeNet-5 digit backbone of SHOT/DINE (`LeNetBase` + `feat_bootleneck` + classifier) for
 * 28×28×1 inputs: conv 20 k5 → max-pool 2 → ReLU → conv 50 k5 → channel dropout 0.5 →
 * max-pool 2 → ReLU → flatten (800) → dense 256 → batch norm → dense numClasses.
 *
 * The dropout is a `SeededDropout` (reproducible masks that resume with checkpoints). The
 * classifier is a plain dense layer by default; `weightNormClassifier` makes it the reference's
 * weight-normalised one (`WeightNormDense`, one extra gain per class). Flattening is NHWC, so porting PyTorch's 800×256 weight needs a (C,H,W)→(H,W,C) row
 * permutation. Trainable parameters for 10 classes: 233,708 (+512 batch-norm statistics, +1
 * dropout counter).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../errors.js';
import { applyLayer, normLayer } from './conv_norm_act.js';
import { ImageConv2D } from './image_conv2d.js';
import { resolveInit, type WeightInit, type WeightInitOptions } from './init.js';
import { SeededDropout } from './seeded_dropout.js';
import { WeightNormDense } from './weight_norm_dense.js';

export interface LenetDigitsOptions {
  /** Default 10. */
  readonly numClasses?: number;
  /** Input channels (3 for colour images). Default 1. */
  readonly inChannels?: number;
  /** Bottleneck width. Default 256. */
  readonly bottleneckDim?: number;
  /** Channel-dropout rate after the second conv. Default 0.5. */
  readonly dropoutRate?: number;
  /** Seed of the dropout masks. Default: init seed + 1, else random. */
  readonly dropoutSeed?: number;
  readonly init?: WeightInit | WeightInitOptions;
  /** Weight-normalised classifier, as SHOT/DINE's `feat_classifier(type='wn')`. Default false. */
  readonly weightNormClassifier?: boolean;
  /** Layer-name prefix. Default 'lenet_<n>'. */
  readonly name?: string;
}

let autoName = 0;

/** [B, 28, 28, 1] → logits [B, numClasses]. The bottleneck (after its batch norm) is layer `${name}_bottleneck`. */
export function lenetDigits(options: LenetDigitsOptions = {}): tfl.LayersModel {
  const numClasses = options.numClasses ?? 10;
  const dim = options.bottleneckDim ?? 256;
  const init = resolveInit(options.init);
  const name = options.name ?? `lenet_${++autoName}`;
  if (!(Number.isInteger(numClasses) && numClasses > 0)) throw new ValueError(`lenetDigits: numClasses must be a positive integer, got ${numClasses}`);
  if (!(Number.isInteger(dim) && dim > 0)) throw new ValueError(`lenetDigits: bottleneckDim must be a positive integer, got ${dim}`);
  const seed = options.dropoutSeed ?? (init.seed !== undefined ? init.seed + 1 : 1 + Math.floor(Math.random() * 2 ** 31));

  const input = tfl.input({ shape: [28, 28, options.inChannels ?? 1], name: `${name}_input` }); // [B, 28, 28, C]
  const conv = (filters: number, n: string) =>
    tfl.layers.conv2d({ filters, kernelSize: 5, padding: 'valid', useBias: true, kernelInitializer: init.kernel(), name: `${name}_${n}` });
  const pool = (n: string) => tfl.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `${name}_${n}` });
  // conv1 sees the image, whose gradient is never needed: ImageConv2D lets backprop skip it.
  let x = applyLayer(new ImageConv2D({ filters: 20, kernelSize: 5, kernelInitializer: init.kernel(), name: `${name}_conv1` }), input); // [B, 24, 24, 20]
  x = applyLayer(tfl.layers.reLU({ name: `${name}_relu1` }), applyLayer(pool('pool1'), x)); // [B, 12, 12, 20]
  x = applyLayer(conv(50, 'conv2'), x); // [B, 8, 8, 50]
  x = applyLayer(new SeededDropout({ rate: options.dropoutRate ?? 0.5, seed, spatial: true, name: `${name}_drop` }), x);
  x = applyLayer(tfl.layers.reLU({ name: `${name}_relu2` }), applyLayer(pool('pool2'), x)); // [B, 4, 4, 50]
  x = applyLayer(tfl.layers.flatten({ name: `${name}_flatten` }), x); // [B, 800]
  x = applyLayer(tfl.layers.dense({ units: dim, useBias: true, kernelInitializer: init.kernel(), name: `${name}_fc` }), x);
  x = applyLayer(normLayer('batch', { init, name: `${name}_bottleneck` })!, x); // [B, dim]
  const classifier = options.weightNormClassifier
    ? new WeightNormDense({ units: numClasses, kernelInitializer: init.kernel(), name: `${name}_classifier` })
    : tfl.layers.dense({ units: numClasses, useBias: true, kernelInitializer: init.kernel(), name: `${name}_classifier` });
  x = applyLayer(classifier, x);
  return tfl.model({ inputs: input, outputs: x, name });
}
