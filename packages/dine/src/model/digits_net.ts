/**
 * The digits networks: SHOT/DINE's LeNet (core `nn.lenetDigits` with the weight-normalised
 * classifier) and a smaller variant for a resource-limited target (DINE lets the target
 * network differ from the source's): the same layers with a 64-d bottleneck. Saved as a
 * TF.js model folder plus `dine-model.json` naming the architecture, so loading rebuilds the
 * network and sets its weights.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { data, IOError, lookUpOption, nn, train, type tfl } from '@lacuna/core';

export type DigitsArch = 'lenet' | 'lenet-small';
export const DIGITS_ARCHS: readonly DigitsArch[] = ['lenet', 'lenet-small'];

export interface DigitsNetOptions {
  readonly arch?: DigitsArch;
  readonly numClasses?: number;
  /** Initialisation (and dropout-mask) seed. */
  readonly seed: number;
}

const BOTTLENECK: Record<DigitsArch, number> = { lenet: 256, 'lenet-small': 64 };

/** [B, 28, 28, 1] in [−1, 1] → logits [B, numClasses]. */
export function digitsNet(options: DigitsNetOptions): tfl.LayersModel {
  const arch = lookUpOption(options.arch ?? 'lenet', DIGITS_ARCHS, 'digitsNet.arch');
  return nn.lenetDigits({
    numClasses: options.numClasses ?? 10,
    bottleneckDim: BOTTLENECK[arch],
    weightNormClassifier: true,
    init: { kind: 'torch', seed: options.seed },
  });
}

const CONFIG = 'dine-model.json';
const FORMAT = 'lacuna-dine-model';

interface SavedConfig {
  readonly format: string;
  readonly arch: DigitsArch;
  readonly numClasses: number;
  readonly seed: number;
  /** Free-form record (held-out accuracy, data, steps …). */
  readonly info?: Record<string, unknown>;
}

/** Writes the model folder (model.json, weights.bin, dine-model.json; each file atomically). */
export async function saveDigitsNet(dir: string, model: tfl.LayersModel, options: DigitsNetOptions, info: Record<string, unknown> = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(train.fileIOHandler(dir));
  const config: SavedConfig = { format: FORMAT, arch: options.arch ?? 'lenet', numClasses: options.numClasses ?? 10, seed: options.seed, info };
  await data.writeFileAtomic(join(dir, CONFIG), new TextEncoder().encode(JSON.stringify(config, null, 2)), 'saveDigitsNet');
}

/** Loads a folder written by {@link saveDigitsNet}. */
export async function loadDigitsNet(dir: string): Promise<{ model: tfl.LayersModel; options: DigitsNetOptions; info: Record<string, unknown> }> {
  let config: SavedConfig;
  try {
    config = JSON.parse(await readFile(join(dir, CONFIG), 'utf8')) as SavedConfig;
  } catch (e) {
    throw new IOError(`loadDigitsNet: cannot read ${join(dir, CONFIG)} (${(e as Error).message}); is ${dir} a model saved by 'lacuna dine train-source' or 'adapt'?`, dir);
  }
  if (config.format !== FORMAT) throw new IOError(`loadDigitsNet: ${join(dir, CONFIG)} is not a '${FORMAT}' file`, dir);
  const options: DigitsNetOptions = { arch: config.arch, numClasses: config.numClasses, seed: config.seed };
  const model = digitsNet(options);
  await train.loadModelWeights(model, dir);
  return { model, options, info: config.info ?? {} };
}
