/**
 * A trained pose network on disk, the folder `lacuna epropnp eval | predict --model` takes:
 *   epropnp.json   the object, the training variant, the network's shape, trained steps
 *   network/       TF.js model.json + weights.bin
 * Opened from any ModelFiles (disk, dropped files, a URL); writing and reading folders on disk
 * is in pose_model_folder.ts (Node).
 */
import { IOError, tfl, train } from '@lacuna/core';
import type { ObjectInfo } from '../render/mesh.js';
import type { Intrinsics } from '../geometry/camera.js';
import type { RobustKernel } from '../problem/pnp_batch.js';
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
  /** Correspondence hypotheses per output pixel (absent: 1). */
  readonly hypotheses?: number;
  /** The robust kernel it was trained with, which its solver uses (absent: 'huber'). */
  readonly kernel?: RobustKernel;
  readonly intrinsics: Intrinsics;
  readonly trainedSteps: number;
}

export const POSE_MODEL_FOLDER: train.ModelDirFormat = { metaFile: 'epropnp.json', format: POSE_MODEL_FORMAT, versions: [1], writtenBy: "'lacuna epropnp train' (its model/ subfolder)" };

export interface LoadedPoseModel {
  readonly meta: PoseModelMeta;
  readonly net: tfl.LayersModel;
}

/** Opens a model folder written by `savePoseModel` from its files; errors name the folder and what is wrong. */
export async function openPoseModel(files: train.ModelFiles): Promise<LoadedPoseModel> {
  const meta = await train.readModelMeta<PoseModelMeta>(files, POSE_MODEL_FOLDER);
  let net: tfl.LayersModel;
  try {
    net = await tfl.loadLayersModel(train.modelFilesIOHandler(files, 'network'));
  } catch (e) {
    throw new IOError(`${files.where}/network: cannot load the network (${(e as Error).message})`, files.where);
  }
  return { meta, net };
}
