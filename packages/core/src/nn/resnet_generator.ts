/**
 * The ResNet image-to-image generator of pix2pix/CycleGAN (`ResnetGenerator`, after Johnson
 * et al. 2016): reflection pad 3 + 7×7 conv → norm → ReLU; two 3×3 stride-2 convs (doubling
 * channels); nBlocks residual blocks; two 3×3 stride-2 transposed convs (halving channels);
 * reflection pad 3 + 7×7 conv → tanh.
 *
 * Parameter choices as in the reference code: with instance norm (affine=False, no learned
 * parameters) every conv has a bias; with batch norm the convs before a norm have none. With
 * in = out = 3, ngf 64, 9 blocks and instance norm that is 11,378,179 parameters. (For norm
 * 'none' the convs keep their bias; the reference drops it, a quirk of its Identity norm.)
 * Spatial sizes must be divisible by 4; the transposed convs are PyTorch's
 * ConvTranspose2d(3, 2, padding=1, output_padding=1), see resample.ts.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../errors.js';
import { convNormAct, defaultConvBias, layerName, type NormKind } from './conv_norm_act.js';
import { resolveInit, type WeightInit, type WeightInitOptions } from './init.js';
import { downsample, upsample } from './resample.js';
import { residualBlock } from './residual_block.js';

export interface ResnetGeneratorOptions {
  readonly inChannels: number;
  readonly outChannels: number;
  /** Channels after the first conv. Default 64. */
  readonly ngf?: number;
  /** Residual blocks. Default 9 (6 in CycleGAN's 128×128 variant). */
  readonly nBlocks?: number;
  /** Default 'instance' (affine=False, CycleGAN); pix2pix's default is 'batch'. */
  readonly norm?: NormKind;
  /** Dropout 0.5 in the residual blocks (pix2pix `use_dropout`), seeded. */
  readonly dropoutSeed?: number;
  /** Fixed [H, W]; default [null, null]. */
  readonly inputSize?: readonly [number | null, number | null];
  /** Weight init; default N(0, 0.02) as the reference (unseeded). */
  readonly init?: WeightInit | WeightInitOptions;
  readonly name?: string;
}

/** [B, H, W, inChannels] → [B, H, W, outChannels] in (−1, 1). */
export function resnetGenerator(options: ResnetGeneratorOptions): tfl.LayersModel {
  const ngf = options.ngf ?? 64;
  const nBlocks = options.nBlocks ?? 9;
  const norm = options.norm ?? 'instance';
  const init = resolveInit(options.init, 'normal02');
  const name = options.name;
  for (const [k, v] of [['inChannels', options.inChannels], ['outChannels', options.outChannels], ['ngf', ngf]] as const) {
    if (!(Number.isInteger(v) && v > 0)) throw new ValueError(`resnetGenerator: ${k} must be a positive integer, got ${v}`);
  }
  if (!(Number.isInteger(nBlocks) && nBlocks >= 0)) throw new ValueError(`resnetGenerator: nBlocks must be a non-negative integer, got ${nBlocks}`);
  const normAffine = false;
  const useBias = defaultConvBias(norm, normAffine);
  const part = { norm, normAffine, useBias, init } as const;

  const [h, w] = options.inputSize ?? [null, null];
  const input = tfl.input({ shape: [h, w, options.inChannels], name: layerName(name, 'input') }); // [B, H, W, Cin]
  let x = convNormAct(input, { filters: ngf, kernelSize: 7, padding: 'reflect', padSize: 3, act: 'relu', ...part, name: layerName(name, 'stem') });
  for (let i = 0; i < 2; i++) {
    x = downsample(x, { mode: 'strided', filters: ngf * 2 ** (i + 1), kernelSize: 3, act: 'relu', ...part, name: layerName(name, `down${i + 1}`) });
  } // [B, H/4, W/4, 4·ngf]
  for (let b = 0; b < nBlocks; b++) {
    x = residualBlock(x, {
      ...part,
      padding: 'reflect',
      ...(options.dropoutSeed !== undefined ? { dropout: { rate: 0.5, seed: options.dropoutSeed + b + 1 } } : {}),
      name: layerName(name, `block${b + 1}`),
    });
  }
  for (let i = 2; i > 0; i--) {
    x = upsample(x, { mode: 'transpose', filters: ngf * 2 ** (i - 1), kernelSize: 3, act: 'relu', ...part, name: layerName(name, `up${i}`) });
  } // [B, H, W, ngf]
  x = convNormAct(x, { filters: options.outChannels, kernelSize: 7, padding: 'reflect', padSize: 3, norm: 'none', act: 'tanh', useBias: true, init, name: layerName(name, 'head') });
  return tfl.model({ inputs: input, outputs: x, name });
}
