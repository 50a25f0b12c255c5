/**
 * A small ResNet classifier (He et al. 2016, the CIFAR variant): a 3×3 stem conv, stages of
 * basic blocks (two 3×3 conv → batch norm, ReLU between, identity shortcut or a strided 1×1
 * projection when the shape changes; the first block of every stage after the first halves
 * the resolution), global average pooling and a dense head. blocks [1, 1, 1] with width 16 is
 * ResNet-8; [3, 3, 3] ResNet-20.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../errors.js';
import { applyLayer, convNormAct, layerName } from './conv_norm_act.js';
import { resolveInit, type WeightInit, type WeightInitOptions } from './init.js';

export interface ResnetClassifierOptions {
  /** [H, W, C]. */
  readonly inputShape: readonly [number, number, number];
  readonly numClasses: number;
  /** Basic blocks per stage; channels double per stage. Default [1, 1, 1] (ResNet-8). */
  readonly blocks?: readonly number[];
  /** Channels of the first stage. Default 16. */
  readonly width?: number;
  readonly init?: WeightInit | WeightInitOptions;
  readonly name?: string;
}

/** [B, H, W, C] → logits [B, numClasses]; the pooled features are layer `${name}_gap`. */
export function resnetClassifier(options: ResnetClassifierOptions): tfl.LayersModel {
  const blocks = options.blocks ?? [1, 1, 1];
  const width = options.width ?? 16;
  const init = resolveInit(options.init);
  const name = options.name;
  if (blocks.length === 0 || !blocks.every((b) => Number.isInteger(b) && b > 0)) throw new ValueError(`resnetClassifier: blocks must be positive integers, got [${blocks.join(', ')}]`);
  if (!(Number.isInteger(width) && width > 0)) throw new ValueError(`resnetClassifier: width must be a positive integer, got ${width}`);
  if (!(Number.isInteger(options.numClasses) && options.numClasses > 0)) throw new ValueError(`resnetClassifier: numClasses must be a positive integer, got ${options.numClasses}`);
  const input = tfl.input({ shape: [...options.inputShape], name: layerName(name, 'input') }); // [B, H, W, C]
  let x = convNormAct(input, { filters: width, kernelSize: 3, padding: 'same', norm: 'batch', act: 'relu', init, name: layerName(name, 'stem') });
  let channels = width;
  blocks.forEach((count, s) => {
    const filters = width * 2 ** s;
    for (let b = 0; b < count; b++) {
      const strides = s > 0 && b === 0 ? 2 : 1;
      const id = `s${s + 1}b${b + 1}`;
      let y = convNormAct(x, { filters, kernelSize: 3, strides, padding: 'same', norm: 'batch', act: 'relu', init, name: layerName(name, `${id}c1`) });
      y = convNormAct(y, { filters, kernelSize: 3, padding: 'same', norm: 'batch', act: 'none', init, name: layerName(name, `${id}c2`) });
      const shortcut = strides !== 1 || channels !== filters
        ? convNormAct(x, { filters, kernelSize: 1, strides, padding: 'same', norm: 'batch', act: 'none', init, name: layerName(name, `${id}proj`) })
        : x;
      x = tfl.layers.add({ name: layerName(name, `${id}add`) }).apply([y, shortcut]) as tfl.SymbolicTensor;
      x = applyLayer(tfl.layers.activation({ activation: 'relu', name: layerName(name, `${id}relu`) }), x);
      channels = filters;
    }
  });
  x = applyLayer(tfl.layers.globalAveragePooling2d({ name: layerName(name, 'gap') }), x); // [B, channels]
  x = applyLayer(tfl.layers.dense({ units: options.numClasses, kernelInitializer: init.kernel(), name: layerName(name, 'head') }), x);
  return tfl.model({ inputs: input, outputs: x, name });
}
