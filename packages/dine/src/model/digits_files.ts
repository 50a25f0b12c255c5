/** Digits model folders on disk (Node). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { train, type tfl } from '@lacuna/core';
import { DIGIT_CLASSES, DIGITS_MODEL_FOLDER, openDigitsNet, type DigitsNetOptions, type SavedConfig } from './digits_net.js';

/** Writes the model folder (model.json, weights.bin, dine-model.json) atomically. The folder is replaced as a whole: keep nothing else in it. */
export async function saveDigitsNet(dir: string, model: tfl.LayersModel, options: DigitsNetOptions, info: Record<string, unknown> = {}): Promise<void> {
  const config: SavedConfig = { arch: options.arch ?? 'lenet', numClasses: options.numClasses ?? DIGIT_CLASSES, seed: options.seed, ...((options.channels ?? 1) !== 1 ? { channels: options.channels } : {}), info };
  await train.saveModelDir(dir, DIGITS_MODEL_FOLDER, { meta: { ...config }, networks: { '': model } }, 'saveDigitsNet');
}

/**
 * Loads a folder written by {@link saveDigitsNet}; `dir` may also be a run folder of
 * `lacuna dine train-source` / `adapt`, whose model is in `dir/model`.
 */
export async function loadDigitsNet(dir: string): Promise<{ model: tfl.LayersModel; options: DigitsNetOptions; info: Record<string, unknown> }> {
  if (!existsSync(join(dir, DIGITS_MODEL_FOLDER.metaFile)) && existsSync(join(dir, 'model', DIGITS_MODEL_FOLDER.metaFile))) dir = join(dir, 'model');
  return openDigitsNet(train.modelFilesInDir(dir));
}
