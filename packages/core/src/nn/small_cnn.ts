/**
 * A small configurable CNN classifier for 2-D images: stages of 3×3 'same' conv → norm → ReLU
 * (convsPerStage per stage, widths[s] channels), 2×2 max-pool between stages, global average
 * pooling, an optional hidden dense layer (ReLU), and a dense head of numClasses logits.
 * Convs have a bias only without norm.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../errors.js';
import { applyLayer, convNormAct, layerName, type NormKind } from './conv_norm_act.js';
import { resolveInit, type WeightInit, type WeightInitOptions } from './init.js';
import { downsample } from './resample.js';
import { SeededDropout } from './seeded_dropout.js';

export interface SmallCnnOptions {
  /** [H, W, C]; H and W may be null. */
  readonly inputShape: readonly [number | null, number | null, number];
  readonly numClasses: number;
  /** Channels per stage. Default [32, 64, 128]. */
  readonly widths?: readonly number[];
  /** Default 2. */
  readonly convsPerStage?: number;
  /** Default 'batch'. */
  readonly norm?: NormKind;
  /** Hidden dense units after pooling; 0 for none. Default 0. */
  readonly hiddenDim?: number;
  /** Dropout before the head, seeded. */
  readonly dropout?: { readonly rate: number; readonly seed: number };
  readonly init?: WeightInit | WeightInitOptions;
  readonly name?: string;
}

/** [B, H, W, C] → logits [B, numClasses]. The pooled features are layer `${name}_gap` when named. */
export function smallCnn(options: SmallCnnOptions): tfl.LayersModel {
  const widths = options.widths ?? [32, 64, 128];
  const per = options.convsPerStage ?? 2;
  const norm = options.norm ?? 'batch';
  const hidden = options.hiddenDim ?? 0;
  const init = resolveInit(options.init);
  const name = options.name;
  if (widths.length === 0 || !widths.every((w) => Number.isInteger(w) && w > 0)) throw new ValueError(`smallCnn: widths must be positive integers, got [${widths.join(', ')}]`);
  if (!(Number.isInteger(per) && per > 0)) throw new ValueError(`smallCnn: convsPerStage must be a positive integer, got ${per}`);
  if (!(Number.isInteger(options.numClasses) && options.numClasses > 0)) throw new ValueError(`smallCnn: numClasses must be a positive integer, got ${options.numClasses}`);

  const input = tfl.input({ shape: [...options.inputShape], name: layerName(name, 'input') }); // [B, H, W, C]
  let x = input;
  widths.forEach((w, s) => {
    if (s > 0) x = downsample(x, { mode: 'maxpool', name: layerName(name, `pool${s}`) });
    for (let i = 0; i < per; i++) x = convNormAct(x, { filters: w, kernelSize: 3, padding: 'same', norm, act: 'relu', init, name: layerName(name, `s${s + 1}c${i + 1}`) });
  });
  x = applyLayer(tfl.layers.globalAveragePooling2d({ name: layerName(name, 'gap') }), x); // [B, widths.at(-1)]
  if (hidden > 0) x = applyLayer(tfl.layers.dense({ units: hidden, activation: 'relu', kernelInitializer: init.kernel(), name: layerName(name, 'hidden') }), x);
  if (options.dropout) x = applyLayer(new SeededDropout({ ...options.dropout, name: layerName(name, 'drop') }), x);
  x = applyLayer(tfl.layers.dense({ units: options.numClasses, kernelInitializer: init.kernel(), name: layerName(name, 'head') }), x);
  return tfl.model({ inputs: input, outputs: x, name });
}
