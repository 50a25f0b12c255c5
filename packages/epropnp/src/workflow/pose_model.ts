/**
 * A trained pose network on disk, the folder `lacuna epropnp eval | predict --model` takes:
 *   epropnp.json   the object, the training variant, the network's shape, trained steps
 *   network/       TF.js model.json + weights.bin
 * Written atomically: a half-written folder never replaces a good one.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { IOError, tfl, train } from '@lacuna/core';
import type { ObjectInfo } from '../render/mesh.js';
import type { Intrinsics } from '../geometry/camera.js';
import type { Variant } from './pose_train_config.js';

export const POSE_MODEL_FORMAT = 'lacuna-epropnp-model';

export interface PoseModelMeta {
  readonly format: typeof POSE_MODEL_FORMAT;
  readonly version: 1;
  readonly object: ObjectInfo;
  readonly variant: Variant;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly width: number;
  readonly intrinsics: Intrinsics;
  readonly trainedSteps: number;
}

const FOLDER: train.ModelDirFormat = { metaFile: 'epropnp.json', format: POSE_MODEL_FORMAT, versions: [1], writtenBy: "'lacuna epropnp train' (its model/ subfolder)" };

export async function savePoseModel(dir: string, meta: Omit<PoseModelMeta, 'format' | 'version'>, net: tfl.LayersModel): Promise<void> {
  await train.saveModelDir(dir, FOLDER, { meta, networks: { network: net } }, 'savePoseModel');
}

export interface LoadedPoseModel {
  readonly meta: PoseModelMeta;
  readonly net: tfl.LayersModel;
}

/** Loads a folder written by `savePoseModel`; errors name the folder and what is wrong. */
export async function loadPoseModel(dir: string): Promise<LoadedPoseModel> {
  // A training run's folder holds the model in model/: take either.
  if (!existsSync(join(dir, FOLDER.metaFile)) && existsSync(join(dir, 'model', FOLDER.metaFile))) dir = join(dir, 'model');
  const meta = await train.readModelDirMeta<PoseModelMeta>(dir, FOLDER);
  let net: tfl.LayersModel;
  try {
    net = await tfl.loadLayersModel(train.fileIOHandler(join(dir, 'network')));
  } catch (e) {
    throw new IOError(`${join(dir, 'network')}: cannot load the network (${(e as Error).message})`, dir);
  }
  return { meta, net };
}
