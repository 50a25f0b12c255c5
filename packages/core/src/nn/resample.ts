/**
 * Downsampling (max-pool 2 or strided conv) and upsampling (transposed conv with stride 2, or
 * nearest/bilinear resize ×2 followed by a conv) blocks.
 *
 * Paddings follow PyTorch so that weights port one to one: a strided conv with kernel k pads
 * p = ⌊(k−1)/2⌋ zeros per side (Conv2d(k, 2, p): k3p1, k4p1); a transposed conv with kernel
 * k ∈ {2, 3, 4} is PyTorch's ConvTranspose2d(k, 2, p = ⌊(k−1)/2⌋, output_padding = k mod 2),
 * i.e. an exact 2× upsampling (k2p0, k3p1op1 as in CycleGAN, k4p1 as in pix2pix's U-Net).
 * It is computed as a 'valid' transposed conv (size 2(H−1)+k) cropped by p at the top/left
 * and k−2−p at the bottom/right.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { lookUpOption } from '../check.js';
import { ValueError } from '../errors.js';
import {
  activationLayer,
  applyLayer,
  applyOptional,
  convNormAct,
  defaultConvBias,
  layerName,
  normLayer,
  type ActKind,
  type NormKind,
} from './conv_norm_act.js';
import { Crop2D } from './crop2d.js';
import { WeightInit } from './init.js';

export type DownsampleMode = 'maxpool' | 'strided';
export type UpsampleMode = 'transpose' | 'nearest' | 'bilinear';
export const DOWNSAMPLE_MODES: readonly DownsampleMode[] = ['maxpool', 'strided'];
export const UPSAMPLE_MODES: readonly UpsampleMode[] = ['transpose', 'nearest', 'bilinear'];

interface ConvPartOptions {
  /** Default 'none'. */
  readonly norm?: NormKind;
  /** Default 'none'. */
  readonly act?: ActKind;
  readonly normAffine?: boolean;
  /** Default as in convNormAct. */
  readonly useBias?: boolean;
  readonly init?: WeightInit;
  readonly name?: string;
}

export interface DownsampleOptions extends ConvPartOptions {
  /** Default 'maxpool'. */
  readonly mode?: DownsampleMode;
  /** Output channels of the strided conv (required for 'strided'). */
  readonly filters?: number;
  /** Strided-conv kernel. Default 3. */
  readonly kernelSize?: number;
}

/** ×½ spatially. x: [B, H, W, C] → [B, H/2, W/2, C] (maxpool) or [B, H/2, W/2, filters] (strided, H even). */
export function downsample(x: tfl.SymbolicTensor, options: DownsampleOptions = {}): tfl.SymbolicTensor {
  const mode = lookUpOption(options.mode ?? 'maxpool', DOWNSAMPLE_MODES, 'downsample.mode');
  if (mode === 'maxpool') {
    return applyLayer(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'valid', name: layerName(options.name, 'pool') }), x);
  }
  if (options.filters === undefined) throw new ValueError(`downsample: 'strided' mode needs filters`);
  const k = options.kernelSize ?? 3;
  return convNormAct(x, {
    filters: options.filters,
    kernelSize: k,
    strides: 2,
    padding: 'zero',
    padSize: Math.floor((k - 1) / 2),
    norm: options.norm ?? 'none',
    act: options.act ?? 'none',
    normAffine: options.normAffine,
    useBias: options.useBias,
    init: options.init,
    name: options.name,
  });
}

export interface UpsampleOptions extends ConvPartOptions {
  /** Default 'transpose'. */
  readonly mode?: UpsampleMode;
  readonly filters: number;
  /** Transposed-conv kernel (2, 3 or 4; default 2), or the conv after a resize (default 3). */
  readonly kernelSize?: number;
}

/** ×2 spatially. x: [B, H, W, C] → [B, 2H, 2W, filters]. */
export function upsample(x: tfl.SymbolicTensor, options: UpsampleOptions): tfl.SymbolicTensor {
  const mode = lookUpOption(options.mode ?? 'transpose', UPSAMPLE_MODES, 'upsample.mode');
  const norm = options.norm ?? 'none';
  const act = options.act ?? 'none';
  const init = options.init ?? new WeightInit();
  const n = options.name;
  if (mode !== 'transpose') {
    const up = applyLayer(tfl.layers.upSampling2d({ size: [2, 2], interpolation: mode, name: layerName(n, 'resize') }), x);
    return convNormAct(up, { filters: options.filters, kernelSize: options.kernelSize ?? 3, padding: 'same', norm, act, normAffine: options.normAffine, useBias: options.useBias, init, name: n });
  }
  const k = options.kernelSize ?? 2;
  if (k !== 2 && k !== 3 && k !== 4) throw new ValueError(`upsample: transposed-conv kernelSize must be 2, 3 or 4, got ${k}`);
  const affine = options.normAffine ?? true;
  let y = applyLayer(
    tfl.layers.conv2dTranspose({
      filters: options.filters,
      kernelSize: k,
      strides: 2,
      padding: 'valid',
      useBias: options.useBias ?? defaultConvBias(norm, affine),
      kernelInitializer: init.kernel(),
      biasInitializer: 'zeros',
      name: layerName(n, 'convT'),
    }),
    x,
  );
  const p = Math.floor((k - 1) / 2);
  if (p > 0 || k - 2 - p > 0) {
    y = applyLayer(new Crop2D({ cropping: [[p, k - 2 - p], [p, k - 2 - p]], name: layerName(n, 'crop') }), y);
  }
  y = applyOptional(normLayer(norm, { affine, init, name: layerName(n, 'norm') }), y);
  return applyOptional(activationLayer(act, { name: layerName(n, 'act') }), y);
}
