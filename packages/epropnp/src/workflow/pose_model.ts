/**
 * A trained pose network on disk, the folder `lacuna epropnp eval | predict --model` takes:
 *   epropnp.json   the object, the training variant, the network's shape, trained steps
 *   network/       TF.js model.json + weights.bin
 * Written atomically: a half-written folder never replaces a good one.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IOError, tfl, train, ValueError } from '@lacuna/core';
import type { ObjectInfo } from '../render/mesh.js';
import type { Intrinsics } from '../geometry/camera.js';
import type { Variant } from './pose_train_config.js';

export const POSE_MODEL_FORMAT = 'lacuna-epropnp-model';
const META = 'epropnp.json';

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

export async function savePoseModel(dir: string, meta: Omit<PoseModelMeta, 'format' | 'version'>, net: tfl.LayersModel): Promise<void> {
  await train.writeDirAtomic(
    dir,
    async (tmp) => {
      await net.save(train.fileIOHandler(join(tmp, 'network')));
      const full: PoseModelMeta = { format: POSE_MODEL_FORMAT, version: 1, ...meta };
      await train.writeFileSynced(join(tmp, META), `${JSON.stringify(full, null, 2)}\n`);
    },
    'savePoseModel',
  );
}

export interface LoadedPoseModel {
  readonly meta: PoseModelMeta;
  readonly net: tfl.LayersModel;
}

/** Loads a folder written by `savePoseModel`; errors name the folder and what is wrong. */
export async function loadPoseModel(dir: string): Promise<LoadedPoseModel> {
  let meta: PoseModelMeta;
  try {
    meta = JSON.parse(await readFile(join(dir, META), 'utf8')) as PoseModelMeta;
  } catch (e) {
    throw new IOError(`${join(dir, META)}: cannot read the model description (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); is ${dir} a folder written by 'lacuna epropnp train' (its model/ subfolder)?`, dir);
  }
  if (meta.format !== POSE_MODEL_FORMAT) throw new ValueError(`${join(dir, META)}: format is '${String(meta.format)}', expected '${POSE_MODEL_FORMAT}'`);
  let net: tfl.LayersModel;
  try {
    net = await tfl.loadLayersModel(train.fileIOHandler(join(dir, 'network')));
  } catch (e) {
    throw new IOError(`${join(dir, 'network')}: cannot load the network (${(e as Error).message})`, dir);
  }
  return { meta, net };
}
