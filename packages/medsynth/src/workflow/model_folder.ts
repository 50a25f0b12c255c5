/**
 * Synthesis model folders and volumes on disk (Node): folders are written atomically, so a
 * half-written folder never replaces a good one.
 */
import { join } from 'node:path';
import { data, train, type tfl } from '@lacuna/core';
import type { ForestSynthesisModel } from '../baseline/forest_synthesis.js';
import type { DictionarySynthesisModel } from '../baseline/dictionary_synthesis.js';
import { saveForest } from '../baseline/forest_files.js';
import { synthesizeVolume, type PredictVolumeOptions, type SynthesisModelInfo } from './predict_volume.js';
import { readVolume } from '../data/volume_files.js';
import type { SliceSynthesizer } from './slice_synthesizer.js';
import { MODEL_FOLDER as FOLDER, openSynthesisModel, type LoadedSynthesisModel, type ModelMeta } from './model_bundle.js';

/** Saves a trained generator, forest or dictionary model with its meta data. */
export async function saveSynthesisModel(dir: string, meta: Omit<ModelMeta, 'format' | 'version'>, trained: { generator: tfl.LayersModel } | { forest: ForestSynthesisModel } | { dictionary: DictionarySynthesisModel }): Promise<void> {
  await train.saveModelDir(
    dir,
    FOLDER,
    'generator' in trained
      ? { meta, networks: { generator: trained.generator } }
      : 'forest' in trained
        ? { meta, extra: (tmp) => saveForest(trained.forest, join(tmp, 'forest.json')) }
        : { meta, extra: (tmp) => train.writeFileSynced(join(tmp, 'dictionary.json'), new TextEncoder().encode(JSON.stringify(trained.dictionary.toJSON()))) },
    'saveSynthesisModel',
  );
}

/** Loads a model folder written by `saveSynthesisModel`; errors name the folder and what is wrong. */
export async function loadSynthesisModel(dir: string, options: { batch?: number } = {}): Promise<LoadedSynthesisModel> {
  return openSynthesisModel(train.modelFilesInDir(dir), options);
}

/** The synthesised target volume (and the head mask used) for the given source NIfTI files. */
export async function predictVolume(synthesizer: SliceSynthesizer, info: SynthesisModelInfo, sourcePaths: readonly string[], options: PredictVolumeOptions = {}): Promise<{ volume: data.Volume; mask: Uint8Array }> {
  return synthesizeVolume(synthesizer, info, sourcePaths, readVolume, options);
}
