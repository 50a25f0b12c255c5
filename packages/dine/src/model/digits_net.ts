/**
 * The digits networks: SHOT/DINE's LeNet (core `nn.lenetDigits` with the weight-normalised
 * classifier) and, for a resource-limited target (DINE lets the target network differ from the
 * source's), 'lenet-small' (the same layers with a 64-d bottleneck) and 'mlp' (no convolutions:
 * flatten → dense 256 → batch norm → ReLU → weight-normalised classifier, ~20× cheaper a step). Saved as a
 * TF.js model folder plus `dine-model.json` naming the architecture, so loading rebuilds the
 * network and sets its weights.
 */
import { lookUpOption, nn, tfl, train } from '@lacuna/core';

export type DigitsArch = 'lenet' | 'lenet-small' | 'mlp' | 'resnet8';
export const DIGITS_ARCHS: readonly DigitsArch[] = ['lenet', 'lenet-small', 'mlp', 'resnet8'];

/** Classes of a digits network unless told otherwise: the ten digits. */
export const DIGIT_CLASSES = 10;

export interface DigitsNetOptions {
  readonly arch?: DigitsArch;
  readonly numClasses?: number;
  /** Input channels: 1 (grey digits, the default) or 3 (colour images). */
  readonly channels?: number;
  /** Initialisation (and dropout-mask) seed. */
  readonly seed: number;
}

const BOTTLENECK: Record<DigitsArch, number> = { lenet: 256, 'lenet-small': 64, mlp: 256, resnet8: 0 };

let mlpCount = 0;

/** flatten → dense → batch norm → ReLU → weight-normalised classifier. */
function digitsMlp(numClasses: number, hidden: number, seed: number, channels: number): tfl.LayersModel {
  const init = new nn.WeightInit({ kind: 'torch', seed });
  const name = `mlp_${++mlpCount}`;
  const input = tfl.input({ shape: [28, 28, channels], name: `${name}_input` }); // [B, 28, 28, C]
  let x = tfl.layers.flatten({ name: `${name}_flatten` }).apply(input) as tfl.SymbolicTensor; // [B, 784]
  x = tfl.layers.dense({ units: hidden, kernelInitializer: init.kernel(), name: `${name}_fc` }).apply(x) as tfl.SymbolicTensor;
  x = nn.normLayer('batch', { init, name: `${name}_bottleneck` })!.apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.reLU({ name: `${name}_relu` }).apply(x) as tfl.SymbolicTensor;
  x = new nn.WeightNormDense({ units: numClasses, kernelInitializer: init.kernel(), name: `${name}_classifier` }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: x, name });
}

let resnetCount = 0;

/** [B, 28, 28, C] in [−1, 1] → logits [B, numClasses]. 'resnet8' is core's resnetClassifier (width 16). */
export function digitsNet(options: DigitsNetOptions): tfl.LayersModel {
  const arch = lookUpOption(options.arch ?? 'lenet', DIGITS_ARCHS, 'digitsNet.arch');
  const channels = options.channels ?? 1;
  if (arch === 'mlp') return digitsMlp(options.numClasses ?? DIGIT_CLASSES, BOTTLENECK.mlp, options.seed, channels);
  if (arch === 'resnet8') {
    return nn.resnetClassifier({ inputShape: [28, 28, channels], numClasses: options.numClasses ?? DIGIT_CLASSES, init: { kind: 'torch', seed: options.seed }, name: `resnet8_${++resnetCount}` });
  }
  return nn.lenetDigits({
    inChannels: channels,
    numClasses: options.numClasses ?? DIGIT_CLASSES,
    bottleneckDim: BOTTLENECK[arch],
    weightNormClassifier: true,
    init: { kind: 'torch', seed: options.seed },
  });
}

const CONFIG = 'dine-model.json';
const FORMAT = 'lacuna-dine-model';

export const DIGITS_MODEL_FOLDER: train.ModelDirFormat = { metaFile: CONFIG, format: FORMAT, versions: [1], writtenBy: "'lacuna dine train-source' or 'adapt' (DIR or DIR/model)", unversionedIsFirst: true };

export interface SavedConfig {
  readonly arch: DigitsArch;
  readonly numClasses: number;
  readonly seed: number;
  /** Input channels (absent: 1). */
  readonly channels?: number;
  /** Free-form record (held-out accuracy, data, steps …). */
  readonly info?: Record<string, unknown>;
}

/** Opens a model folder written by saveDigitsNet from its files (dropped into a page, fetched, or on disk). */
export async function openDigitsNet(files: train.ModelFiles): Promise<{ model: tfl.LayersModel; options: DigitsNetOptions; info: Record<string, unknown> }> {
  const config = await train.readModelMeta<SavedConfig>(files, DIGITS_MODEL_FOLDER);
  const options: DigitsNetOptions = { arch: config.arch, numClasses: config.numClasses, seed: config.seed, ...(config.channels && config.channels !== 1 ? { channels: config.channels } : {}) };
  const model = digitsNet(options);
  await train.setModelWeights(model, files);
  return { model, options, info: config.info ?? {} };
}
