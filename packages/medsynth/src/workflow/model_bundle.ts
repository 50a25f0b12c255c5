/**
 * A trained synthesis model on disk, the folder `lacuna medsynth predict --model` takes:
 *   medsynth.json   what the model maps (modalities, 2.5-D context, normalisation) and its architecture
 *   generator/      TF.js model.json + weights.bin (U-Net / ResNet; loads in a browser too)
 *   forest.json     the random forest (arch 'forest')
 *   dictionary.json the coupled dictionaries (arch 'dictionary')
 * Opened from any ModelFiles (a folder on disk, files dropped into a page, a URL); saving and
 * loading folders on disk is in model_folder.ts (Node).
 */
import { ValueError, train, type tfl } from '@lacuna/core';
import { ForestSynthesisModel } from '../baseline/forest_synthesis.js';
import { DictionarySynthesisModel } from '../baseline/dictionary_synthesis.js';
import type { SliceStack } from '../data/slice_stack.js';
import { buildGenerator } from '../synthesis/generator.js';
import type { SynthesisModelInfo } from './predict_volume.js';
import { generatorSynthesizer, type SliceSynthesizer } from './slice_synthesizer.js';
import type { TrainConfig } from './train_config.js';

export const MODEL_FORMAT = 'lacuna-medsynth-model';
export const MODEL_FOLDER: train.ModelDirFormat = { metaFile: 'medsynth.json', format: MODEL_FORMAT, versions: [1], writtenBy: "'lacuna medsynth train' (its model/ subfolder)" };

export interface ModelMeta {
  readonly format: typeof MODEL_FORMAT;
  readonly version: 1;
  readonly model: TrainConfig['model'];
  readonly info: SynthesisModelInfo;
  readonly trainedSteps: number;
}

/** Input channels of a generator for these modalities and context. */
export function inputChannels(info: Pick<SynthesisModelInfo, 'sourceModalities' | 'context'>): number {
  return info.sourceModalities.length * (2 * info.context + 1);
}

/** Builds the generator network a model config describes (weights seeded, untrained). */
export function generatorFor(model: TrainConfig['model'], info: Pick<SynthesisModelInfo, 'sourceModalities' | 'context'>, seed: number): tfl.LayersModel {
  if (model.arch === 'forest' || model.arch === 'dictionary') throw new ValueError(`generatorFor: a ${model.arch} model has no generator network`);
  const inChannels = inputChannels(info);
  return model.arch === 'unet'
    ? buildGenerator({ arch: 'unet', inChannels, outChannels: 1, base: model.base, depth: model.depth, norm: model.norm, seed })
    : // A CycleGAN keeps its A -> B generator, a ResNet generator.
      buildGenerator({ arch: 'resnet', inChannels, outChannels: 1, base: model.ngf, nBlocks: model.blocks, norm: model.norm, seed });
}

/** A loaded model: what it maps, and a synthesiser to run. */
export interface LoadedSynthesisModel {
  readonly meta: ModelMeta;
  readonly info: SynthesisModelInfo;
  readonly synthesizer: SliceSynthesizer;
  dispose(): void;
}

/** The coupled dictionaries as a SliceSynthesizer (predicts inside the mask only). */
export function dictionarySynthesizer(model: DictionarySynthesisModel): SliceSynthesizer {
  return {
    predict(source: SliceStack, mask?: SliceStack) {
      return model.predict(source, mask ? Uint8Array.from(mask.data, (m) => (m > 0.5 ? 1 : 0)) : undefined, -1);
    },
  };
}

/** The forest as a SliceSynthesizer (predicts inside the mask only). */
export function forestSynthesizer(forest: ForestSynthesisModel): SliceSynthesizer {
  return {
    predict(source: SliceStack, mask?: SliceStack) {
      return forest.predict(source, mask ? Uint8Array.from(mask.data, (m) => (m > 0.5 ? 1 : 0)) : undefined, -1);
    },
  };
}

/** Opens a model folder written by `saveSynthesisModel` from its files; errors name the folder and what is wrong. */
export async function openSynthesisModel(files: train.ModelFiles, options: { batch?: number } = {}): Promise<LoadedSynthesisModel> {
  const meta = await train.readModelMeta<ModelMeta>(files, MODEL_FOLDER);
  if (meta.model.arch === 'forest') {
    const json = await train.readJsonFile<unknown>(files, 'forest.json', 'openSynthesisModel');
    let forest: ForestSynthesisModel;
    try {
      forest = ForestSynthesisModel.fromJSON(json);
    } catch (e) {
      throw new ValueError(`openSynthesisModel: ${files.where}/forest.json is not a valid forest synthesis model: ${(e as Error).message}`);
    }
    return { meta, info: meta.info, synthesizer: forestSynthesizer(forest), dispose() {} };
  }
  if (meta.model.arch === 'dictionary') {
    const json = await train.readJsonFile<unknown>(files, 'dictionary.json', 'openSynthesisModel');
    let dictionary: DictionarySynthesisModel;
    try {
      dictionary = DictionarySynthesisModel.fromJSON(json);
    } catch (e) {
      throw new ValueError(`openSynthesisModel: ${files.where}/dictionary.json is not a valid dictionary synthesis model: ${(e as Error).message}`);
    }
    return { meta, info: meta.info, synthesizer: dictionarySynthesizer(dictionary), dispose() {} };
  }
  const generator = generatorFor(meta.model, meta.info, 0);
  await train.setModelWeights(generator, files, 'generator');
  return { meta, info: meta.info, synthesizer: generatorSynthesizer(generator, options.batch, { mirror: meta.info.inference?.mirror ?? false }), dispose: () => generator.dispose() };
}
