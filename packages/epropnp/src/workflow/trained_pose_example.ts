/**
 * A trained pose model at work (what `lacuna demo` and `lacuna app` show with the committed
 * bunny model): a few test crops of the model's built-in object are rendered with a seed the
 * training never used, `estimatePose` gives each pose with its uncertainty, and each is scored
 * against the rendered truth (ADD in units of the object's diameter, rotation and translation
 * errors). Pure computation: runs in Node and in browsers.
 */
import { ValueError } from '@lacuna/core';
import { datasetSample, renderDataset } from '../dataset/pose_dataset.js';
import { addError, addSError, rotationErrorDeg, translationErrorCm } from '../evaluation/pose_metrics.js';
import type { ProblemStatus } from '../problem/pnp_batch.js';
import { OBJECT_NAMES, type ObjectName } from '../render/objects.js';
import { symmetryRotations } from '../render/mesh.js';
import { estimateCropPoses } from './estimate_pose_api.js';
import type { LoadedPoseModel } from './pose_model.js';
import { predictionPicture, type RgbImage } from './pose_pictures.js';

export interface TrainedPoseCase {
  readonly status: ProblemStatus;
  /** Crop | weights | object coordinates | AMIS samples over the crop (`predict --picture`'s layout). */
  readonly picture: RgbImage;
  /** ADD (ADD-S for a symmetric object) over the object's diameter: below 0.1 passes ADD-0.1d. */
  readonly addOverDiameter: number;
  readonly rotationErrorDeg: number;
  readonly translationErrorCm: number;
  /** The spread of the AMIS samples: the model's own uncertainty. */
  readonly rotationStdDeg: number;
  readonly translationStdMm: number;
}

export interface TrainedPoseExample {
  readonly object: ObjectName;
  readonly cases: TrainedPoseCase[];
  /** Share of the cases within 0.1 diameter (ADD-0.1d on this handful). */
  readonly addPass: number;
}

export interface TrainedPoseExampleOptions {
  /** Test crops. Default 4. */
  readonly count?: number;
  /** Seed of the rendered test crops. Default 7000 (training sets here use small seeds). */
  readonly seed?: number;
}

export function trainedPoseExample(model: LoadedPoseModel, options: TrainedPoseExampleOptions = {}): TrainedPoseExample {
  const name = model.meta.object.name;
  if (!(OBJECT_NAMES as readonly string[]).includes(name)) throw new ValueError(`trainedPoseExample: the model's object '${name}' is not a built-in one (${OBJECT_NAMES.join(', ')}); render its test crops with renderDataset and a mesh`);
  const object = name as ObjectName;
  const S = model.meta.inputSize;
  const test = renderDataset({ object, count: options.count ?? 4, seed: options.seed ?? 7000, cropSize: S, views: 'upper', zoomIn: { shift: 0, scale: 0 } });
  const samples = Array.from({ length: test.count }, (_, i) => datasetSample(test, i));
  const boxes = samples.map((s) => ({ cx: s.box[0]!, cy: s.box[1]!, size: s.box[2]! }));
  const estimates = estimateCropPoses(samples.map((s) => s.rgb), boxes, model, { camera: test.intrinsics });
  const symmetric = test.object.symmetry.kind !== 'none';
  const symmetries = symmetric ? symmetryRotations(test.object.symmetry) : undefined;
  const cases = estimates.map((est, i): TrainedPoseCase => {
    const truth = samples[i]!.pose;
    const usable = est.status === 'ok' || est.status === 'poor-fit';
    const add = usable ? (symmetric ? addSError : addError)(est.pose, truth, test.vertices) / test.object.diameter : Infinity;
    return {
      status: est.status,
      picture: predictionPicture(samples[i]!.rgb, S, est.maps, 0, samples[i]!.box, test.intrinsics, { samples: est.samples, weights: est.sampleWeights }, test.object.halfExtent),
      addOverDiameter: add,
      rotationErrorDeg: usable ? rotationErrorDeg(est.pose, truth, symmetries) : 180,
      translationErrorCm: usable ? translationErrorCm(est.pose, truth) : Infinity,
      rotationStdDeg: est.uncertainty.rotationStdDeg,
      translationStdMm: 1000 * Math.hypot(...est.uncertainty.translationStd),
    };
  });
  return { object, cases, addPass: cases.filter((c) => c.addOverDiameter < 0.1).length / cases.length };
}
