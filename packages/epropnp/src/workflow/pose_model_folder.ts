/** Pose model folders on disk (Node), written atomically: a half-written folder never replaces a good one. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { train, type tfl } from '@lacuna/core';
import { openPoseModel, POSE_MODEL_FOLDER as FOLDER, type LoadedPoseModel, type PoseModelMeta } from './pose_model.js';

export async function savePoseModel(dir: string, meta: Omit<PoseModelMeta, 'format' | 'version'>, net: tfl.LayersModel): Promise<void> {
  await train.saveModelDir(dir, FOLDER, { meta, networks: { network: net } }, 'savePoseModel');
}

/** Loads a folder written by `savePoseModel` (or a training run's folder, whose model is in model/). */
export async function loadPoseModel(dir: string): Promise<LoadedPoseModel> {
  if (!existsSync(join(dir, FOLDER.metaFile)) && existsSync(join(dir, 'model', FOLDER.metaFile))) dir = join(dir, 'model');
  return openPoseModel(train.modelFilesInDir(dir));
}
