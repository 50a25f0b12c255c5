/**
 * The residual block of the ResNet generator (Johnson et al.; pix2pix/CycleGAN
 * `ResnetBlock`): y = x + norm(conv3(act(norm(conv3(x))))), channels preserved, 3×3 convs with
 * reflection padding 1 and no activation after the sum.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { ShapeError } from '../errors.js';
import { applyLayer, convNormAct, defaultConvBias, layerName, type ActKind, type NormKind } from './conv_norm_act.js';
import { WeightInit } from './init.js';
import { SeededDropout } from './seeded_dropout.js';

export interface ResidualBlockOptions {
  /** Default 'instance'. */
  readonly norm?: NormKind;
  /** Instance-norm gamma/beta. Default false (CycleGAN's InstanceNorm2d(affine=False)). */
  readonly normAffine?: boolean;
  /** Padding of the 3×3 convs. Default 'reflect'. */
  readonly padding?: 'reflect' | 'zero' | 'same';
  /** Activation between the convs. Default 'relu'. */
  readonly act?: ActKind;
  /** Dropout between the convs (CycleGAN's use_dropout, rate 0.5), seeded for reproducibility. */
  readonly dropout?: { readonly rate: number; readonly seed: number };
  /** Conv bias. Default as in convNormAct (true exactly when the norm has no learned shift). */
  readonly useBias?: boolean;
  readonly init?: WeightInit;
  readonly name?: string;
}

/** x: [B, H, W, C] → [B, H, W, C]. */
export function residualBlock(x: tfl.SymbolicTensor, options: ResidualBlockOptions = {}): tfl.SymbolicTensor {
  const channels = x.shape[x.shape.length - 1];
  if (x.shape.length !== 4 || channels == null) {
    throw new ShapeError(`residualBlock: expected input [B, H, W, C] with known C, got [${x.shape.join(', ')}]`, x.shape.map((d) => d ?? -1), ['B', 'H', 'W', 'C']);
  }
  const norm = options.norm ?? 'instance';
  const normAffine = options.normAffine ?? false;
  const common = {
    filters: channels,
    kernelSize: 3,
    padding: options.padding ?? 'reflect',
    padSize: 1,
    norm,
    normAffine,
    useBias: options.useBias ?? defaultConvBias(norm, normAffine),
    init: options.init ?? new WeightInit(),
  } as const;
  const n = options.name;
  let y = convNormAct(x, { ...common, act: options.act ?? 'relu', name: layerName(n, 'a') });
  if (options.dropout) y = applyLayer(new SeededDropout({ ...options.dropout, name: layerName(n, 'drop') }), y);
  y = convNormAct(y, { ...common, act: 'none', name: layerName(n, 'b') });
  return tfl.layers.add({ name: layerName(n, 'add') }).apply([x, y]) as tfl.SymbolicTensor;
}
