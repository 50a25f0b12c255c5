/**
 * The classic 2-D U-Net (Ronneberger et al. 2015), laid out as milesial/Pytorch-UNet with
 * bilinear=False: per level two 3×3 'same' conv → norm → ReLU, 2×2 max-pool down, 2×2
 * stride-2 transposed conv up (c_{l+1} → c_l), concatenation [skip, up], and a final 1×1 conv.
 *
 * Parameter choices, so that a PyTorch twin matches exactly: convs followed by a norm have no
 * bias (norm 'none' gives them one); the norm is affine (one gamma and one beta per channel:
 * `nn.InstanceNorm2d(c, affine=True)` or `nn.BatchNorm2d(c)`); transposed convs and the final
 * 1×1 conv have a bias. With inChannels 1, outChannels 1, base 32, depth 4 that is 7,762,465
 * trainable parameters, milesial's UNet(1, 1) at width 32. Spatial sizes must be divisible by
 * 2^depth.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../errors.js';
import { activationLayer, applyOptional, convNormAct, layerName, type ActKind, type NormKind } from './conv_norm_act.js';
import { resolveInit, type WeightInit, type WeightInitOptions } from './init.js';
import { downsample, upsample, type UpsampleMode } from './resample.js';

export interface UNet2dOptions {
  readonly inChannels: number;
  readonly outChannels: number;
  /** Channels of the first level; level l has base·2^l, the bottleneck base·2^depth. Default 32. */
  readonly baseChannels?: number;
  /** Number of poolings. Default 4. */
  readonly depth?: number;
  /** Default 'instance'. */
  readonly norm?: NormKind;
  /** Default 'transpose' (2×2, stride 2). 'nearest'/'bilinear' resize ×2 then 3×3 conv (no norm). */
  readonly upsample?: UpsampleMode;
  /** Applied after the final 1×1 conv. Default 'none' (logits). */
  readonly finalActivation?: ActKind;
  /** Fixed [H, W]; default [null, null] (any size divisible by 2^depth). */
  readonly inputSize?: readonly [number | null, number | null];
  /** Weight init (default Glorot-uniform, unseeded). */
  readonly init?: WeightInit | WeightInitOptions;
  readonly name?: string;
}

/** A U-Net: [B, H, W, inChannels] → [B, H, W, outChannels]. */
export function unet2d(options: UNet2dOptions): tfl.LayersModel {
  const base = options.baseChannels ?? 32;
  const depth = options.depth ?? 4;
  const norm = options.norm ?? 'instance';
  const init = resolveInit(options.init);
  const name = options.name;
  for (const [k, v] of [['inChannels', options.inChannels], ['outChannels', options.outChannels], ['baseChannels', base], ['depth', depth]] as const) {
    if (!(Number.isInteger(v) && v > 0)) throw new ValueError(`unet2d: ${k} must be a positive integer, got ${v}`);
  }
  const [h, w] = options.inputSize ?? [null, null];
  if ((h != null && h % 2 ** depth !== 0) || (w != null && w % 2 ** depth !== 0)) {
    throw new ValueError(`unet2d: inputSize ${h}×${w} must be divisible by 2^depth = ${2 ** depth}`);
  }
  const doubleConv = (x: tfl.SymbolicTensor, filters: number, prefix: string | undefined): tfl.SymbolicTensor => {
    const o = { filters, kernelSize: 3, padding: 'same', norm, act: 'relu', normAffine: true, init } as const;
    return convNormAct(convNormAct(x, { ...o, name: layerName(prefix, 'c1') }), { ...o, name: layerName(prefix, 'c2') });
  };

  const input = tfl.input({ shape: [h, w, options.inChannels], name: layerName(name, 'input') }); // [B, H, W, Cin]
  const skips: tfl.SymbolicTensor[] = [];
  let x = doubleConv(input, base, layerName(name, 'enc0'));
  for (let l = 1; l <= depth; l++) {
    skips.push(x);
    x = downsample(x, { mode: 'maxpool', name: layerName(name, `down${l}`) });
    x = doubleConv(x, base * 2 ** l, layerName(name, l === depth ? 'bottleneck' : `enc${l}`)); // [B, H/2^l, W/2^l, base·2^l]
  }
  for (let l = depth - 1; l >= 0; l--) {
    const c = base * 2 ** l;
    const up = upsample(x, { mode: options.upsample ?? 'transpose', filters: c, init, name: layerName(name, `up${l}`) });
    x = tfl.layers.concatenate({ axis: -1, name: layerName(name, `cat${l}`) }).apply([skips[l]!, up]) as tfl.SymbolicTensor; // [B, ., ., 2c]
    x = doubleConv(x, c, layerName(name, `dec${l}`));
  }
  x = tfl.layers.conv2d({ filters: options.outChannels, kernelSize: 1, useBias: true, kernelInitializer: init.kernel(), name: layerName(name, 'head') }).apply(x) as tfl.SymbolicTensor;
  x = applyOptional(activationLayer(options.finalActivation ?? 'none', { name: layerName(name, 'out') }), x);
  return tfl.model({ inputs: input, outputs: x, name });
}
