/**
 * The PatchGAN discriminator of pix2pix (`NLayerDiscriminator`; 70×70 receptive field for
 * nLayers = 3): 4×4 convs with zero padding 1 — ndf channels stride 2 + LeakyReLU(0.2), then
 * nLayers−1 stride-2 conv → norm → LeakyReLU with channels ndf·min(2^n, 8), one stride-1 conv
 * → norm → LeakyReLU with ndf·min(2^nLayers, 8), and a stride-1 conv to one logit channel.
 * A 256×256 input gives a 30×30 map; 32×32 gives 2×2.
 *
 * Parameters as the reference: the first and last convs have a bias; the convs before a norm
 * have one only with instance norm (affine=False). For pix2pix's conditional D use inChannels
 * = input + output channels; with 6, ndf 64, nLayers 3 and batch norm: 2,768,705 trainable
 * parameters (+1,792 batch-norm running statistics).
 *
 * The LeakyReLU layers are named `${name}_feat1 … _feat{nLayers+1}`; `patchGanFeatures`
 * returns a weight-sharing model that outputs them and then the logits.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../errors.js';
import { convNormAct, defaultConvBias, type NormKind } from './conv_norm_act.js';
import { featureModel, layersMatching } from './feature_model.js';
import { resolveInit, type WeightInit, type WeightInitOptions } from './init.js';

export interface PatchGanOptions {
  readonly inChannels: number;
  /** Channels of the first conv. Default 64. */
  readonly ndf?: number;
  /** Stride-2 convs. Default 3. */
  readonly nLayers?: number;
  /** Default 'batch' (pix2pix); CycleGAN uses 'instance'. */
  readonly norm?: NormKind;
  readonly inputSize?: readonly [number | null, number | null];
  /** Weight init; default N(0, 0.02) as the reference (unseeded). */
  readonly init?: WeightInit | WeightInitOptions;
  /** Layer-name prefix, needed to find the features. Default 'patchgan_<n>'. */
  readonly name?: string;
}

let autoName = 0;

/** [B, H, W, inChannels] → logits [B, H', W', 1] (no sigmoid: use a with-logits loss). */
export function patchGanDiscriminator(options: PatchGanOptions): tfl.LayersModel {
  const ndf = options.ndf ?? 64;
  const nLayers = options.nLayers ?? 3;
  const norm = options.norm ?? 'batch';
  const init = resolveInit(options.init, 'normal02');
  const name = options.name ?? `patchgan_${++autoName}`;
  if (!(Number.isInteger(options.inChannels) && options.inChannels > 0)) throw new ValueError(`patchGanDiscriminator: inChannels must be a positive integer, got ${options.inChannels}`);
  if (!(Number.isInteger(ndf) && ndf > 0)) throw new ValueError(`patchGanDiscriminator: ndf must be a positive integer, got ${ndf}`);
  if (!(Number.isInteger(nLayers) && nLayers >= 1)) throw new ValueError(`patchGanDiscriminator: nLayers must be a positive integer, got ${nLayers}`);
  const [h, w] = options.inputSize ?? [null, null];
  const conv = { kernelSize: 4, padding: 'zero', padSize: 1, init } as const;
  const normed = { norm, normAffine: false, useBias: defaultConvBias(norm, false), act: 'none' } as const;
  const lrelu = (x: tfl.SymbolicTensor, i: number): tfl.SymbolicTensor =>
    tfl.layers.leakyReLU({ alpha: 0.2, name: `${name}_feat${i}` }).apply(x) as tfl.SymbolicTensor;

  const input = tfl.input({ shape: [h, w, options.inChannels], name: `${name}_input` }); // [B, H, W, Cin]
  let x = lrelu(convNormAct(input, { ...conv, filters: ndf, strides: 2, norm: 'none', act: 'none', useBias: true, name: `${name}_l1` }), 1);
  for (let n = 1; n < nLayers; n++) {
    x = lrelu(convNormAct(x, { ...conv, ...normed, filters: ndf * Math.min(2 ** n, 8), strides: 2, name: `${name}_l${n + 1}` }), n + 1);
  }
  x = lrelu(convNormAct(x, { ...conv, ...normed, filters: ndf * Math.min(2 ** nLayers, 8), strides: 1, name: `${name}_l${nLayers + 1}` }), nLayers + 1);
  x = convNormAct(x, { ...conv, filters: 1, strides: 1, norm: 'none', act: 'none', useBias: true, name: `${name}_logits` }); // [B, H', W', 1]
  return tfl.model({ inputs: input, outputs: x, name });
}

/**
 * A weight-sharing view of a PatchGAN (built by `patchGanDiscriminator`, or loaded from one)
 * with outputs [feat1, …, feat{nLayers+1}, logits]: the LeakyReLU activations then the logits.
 */
export function patchGanFeatures(discriminator: tfl.LayersModel): tfl.LayersModel {
  const names = layersMatching(discriminator, /_feat\d+$/);
  if (names.length === 0) throw new ValueError(`patchGanFeatures: model '${discriminator.name}' has no '*_feat<i>' layers; was it built by patchGanDiscriminator?`);
  return featureModel(discriminator, names, true);
}
