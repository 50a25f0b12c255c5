/**
 * The basic convolution unit: conv → norm → activation, on the functional API.
 *
 * Padding modes reproduce PyTorch's explicit paddings exactly: 'zero' and 'reflect' pad
 * `padSize` pixels on every side and then run a 'valid' conv, so a PyTorch
 * `Conv2d(k, stride, padding=p)` is `{ kernelSize: k, strides: stride, padding: 'zero',
 * padSize: p }`. TF's 'same' equals PyTorch's symmetric padding only for stride 1 and odd k.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { lookUpOption } from '../check.js';
import { ValueError } from '../errors.js';
import { WeightInit } from './init.js';
import { instanceNormalization } from './instance_norm.js';
import { reflectionPad2d } from './reflection_pad.js';

export type NormKind = 'batch' | 'instance' | 'none';
export type ActKind = 'relu' | 'leakyrelu' | 'tanh' | 'sigmoid' | 'none';
export type PadMode = 'same' | 'valid' | 'zero' | 'reflect';
export const NORM_KINDS: readonly NormKind[] = ['batch', 'instance', 'none'];
export const ACT_KINDS: readonly ActKind[] = ['relu', 'leakyrelu', 'tanh', 'sigmoid', 'none'];
export const PAD_MODES: readonly PadMode[] = ['same', 'valid', 'zero', 'reflect'];

export interface NormOptions {
  /**
   * Learn gamma/beta in instance norm. Default true. (Batch norm always has them, as
   * PyTorch's BatchNorm2d(affine=True).)
   */
  readonly affine?: boolean;
  readonly init?: WeightInit;
  readonly name?: string;
}

/**
 * A normalisation layer, or null for 'none'. Batch norm uses PyTorch's constants
 * (eps 1e-5, running-average momentum 0.1, i.e. tfjs momentum 0.9).
 */
export function normLayer(kind: NormKind, options: NormOptions = {}): tfl.layers.Layer | null {
  const init = options.init ?? new WeightInit();
  switch (lookUpOption(kind, NORM_KINDS, 'normLayer.kind')) {
    case 'batch':
      return tfl.layers.batchNormalization({ axis: -1, momentum: 0.9, epsilon: 1e-5, gammaInitializer: init.gamma(), name: options.name });
    case 'instance':
      return instanceNormalization({
        affine: options.affine ?? true,
        epsilon: 1e-5,
        ...(options.affine ?? true ? { gammaInitializer: init.gamma() } : {}),
        name: options.name,
      });
    case 'none':
      return null;
  }
}

/** An activation layer, or null for 'none'. 'leakyrelu' has slope 0.2 unless given. */
export function activationLayer(kind: ActKind, options: { name?: string; slope?: number } = {}): tfl.layers.Layer | null {
  switch (lookUpOption(kind, ACT_KINDS, 'activationLayer.kind')) {
    case 'relu':
      return tfl.layers.reLU({ name: options.name });
    case 'leakyrelu':
      return tfl.layers.leakyReLU({ alpha: options.slope ?? 0.2, name: options.name });
    case 'tanh':
      return tfl.layers.activation({ activation: 'tanh', name: options.name });
    case 'sigmoid':
      return tfl.layers.activation({ activation: 'sigmoid', name: options.name });
    case 'none':
      return null;
  }
}

/** `${prefix}_${part}`, or undefined (auto-named) without a prefix. */
export function layerName(prefix: string | undefined, part: string): string | undefined {
  return prefix ? `${prefix}_${part}` : undefined;
}

/** Applies a layer to one symbolic tensor. */
export function applyLayer(layer: tfl.layers.Layer, x: tfl.SymbolicTensor): tfl.SymbolicTensor {
  return layer.apply(x) as tfl.SymbolicTensor;
}

/** Applies `layer` unless it is null. */
export function applyOptional(layer: tfl.layers.Layer | null, x: tfl.SymbolicTensor): tfl.SymbolicTensor {
  return layer ? applyLayer(layer, x) : x;
}

/** Explicit zero or reflection padding of `size` pixels per side, or `x` for size 0. */
export function pad2d(x: tfl.SymbolicTensor, mode: 'zero' | 'reflect', size: number, name?: string): tfl.SymbolicTensor {
  if (size === 0) return x;
  if (mode === 'reflect') return applyLayer(reflectionPad2d({ padding: size, name }), x);
  return applyLayer(tfl.layers.zeroPadding2d({ padding: size, name }), x);
}

export interface ConvNormActOptions {
  readonly filters: number;
  /** Default 3. */
  readonly kernelSize?: number;
  /** Default 1. */
  readonly strides?: number;
  /** Default 'same'. See the file comment. */
  readonly padding?: PadMode;
  /** Pixels per side for 'zero'/'reflect'. Default floor(kernelSize / 2). */
  readonly padSize?: number;
  /** Default 'batch'. */
  readonly norm?: NormKind;
  /** Default 'relu'. */
  readonly act?: ActKind;
  /** Instance-norm gamma/beta. Default true. */
  readonly normAffine?: boolean;
  /**
   * Conv bias. Default: only when no norm with a learned shift follows (norm 'none', or
   * instance norm without affine), since such a norm cancels any bias.
   */
  readonly useBias?: boolean;
  readonly init?: WeightInit;
  /** Layer-name prefix: `${name}_conv`, `${name}_norm`, `${name}_act`, `${name}_pad`. */
  readonly name?: string;
}

/** The default conv bias for a norm: a bias is useless right before a learned shift. */
export function defaultConvBias(norm: NormKind, normAffine = true): boolean {
  return norm === 'none' || (norm === 'instance' && !normAffine);
}

/** conv → norm → act. x: [B, H, W, Cin] → [B, H', W', filters]. */
export function convNormAct(x: tfl.SymbolicTensor, options: ConvNormActOptions): tfl.SymbolicTensor {
  const k = options.kernelSize ?? 3;
  const strides = options.strides ?? 1;
  const padding = lookUpOption(options.padding ?? 'same', PAD_MODES, 'convNormAct.padding');
  const norm = options.norm ?? 'batch';
  const act = options.act ?? 'relu';
  const affine = options.normAffine ?? true;
  const init = options.init ?? new WeightInit();
  const n = options.name;
  if (!(Number.isInteger(options.filters) && options.filters > 0)) {
    throw new ValueError(`convNormAct: filters must be a positive integer, got ${options.filters}`);
  }
  let y = x;
  if (padding === 'zero' || padding === 'reflect') y = pad2d(y, padding, options.padSize ?? Math.floor(k / 2), layerName(n, 'pad'));
  y = applyLayer(
    tfl.layers.conv2d({
      filters: options.filters,
      kernelSize: k,
      strides,
      padding: padding === 'same' ? 'same' : 'valid',
      useBias: options.useBias ?? defaultConvBias(norm, affine),
      kernelInitializer: init.kernel(),
      biasInitializer: 'zeros',
      name: layerName(n, 'conv'),
    }),
    y,
  );
  y = applyOptional(normLayer(norm, { affine, init, name: layerName(n, 'norm') }), y);
  return applyOptional(activationLayer(act, { name: layerName(n, 'act') }), y);
}
