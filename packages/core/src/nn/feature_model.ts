/**
 * Models that expose intermediate activations (for feature-matching and perceptual losses)
 * while sharing weights with the original: training either one trains both.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../errors.js';

/**
 * A model with the same inputs as `model` whose outputs are the outputs of the named layers,
 * in the given order, followed by `model`'s own outputs when `includeOutputs` (default true).
 */
export function featureModel(model: tfl.LayersModel, layerNames: readonly string[], includeOutputs = true): tfl.LayersModel {
  const outputs = layerNames.map((n) => {
    let layer;
    try {
      layer = model.getLayer(n);
    } catch {
      throw new ValueError(`featureModel: model '${model.name}' has no layer '${n}'`);
    }
    return layer.output as tfl.SymbolicTensor;
  });
  if (includeOutputs) outputs.push(...model.outputs);
  return tfl.model({ inputs: model.inputs, outputs });
}

/** Names of `model`'s layers matching `pattern`, in network order. */
export function layersMatching(model: tfl.LayersModel, pattern: RegExp): string[] {
  return model.layers.map((l) => l.name).filter((n) => pattern.test(n));
}
