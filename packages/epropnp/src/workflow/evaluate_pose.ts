/**
 * Scores a trained pose network on a test set with LineMOD's metrics: ADD (ADD-S for a
 * symmetric object) pass rates at 0.02d, 0.05d and 0.1d, 2 deg / 2 cm and 5 deg / 5 cm, and the
 * mean 2D projection error of the model's vertices.
 */
import { tf, type tfl } from '@lacuna/core';
import { datasetBatch } from '../dataset/batch.js';
import type { PoseDataset } from '../dataset/pose_dataset.js';
import { poseAccuracy, poseErrors, type PoseAccuracy, type PoseErrors } from '../evaluation/pose_metrics.js';
import { symmetryRotations } from '../render/mesh.js';
import { estimatePoses } from './estimate_pose.js';
import type { RobustKernel } from '../problem/pnp_batch.js';
import type { Variant } from './pose_train_config.js';

export interface PoseScores {
  readonly accuracy: PoseAccuracy;
  /** Mean 2D projection error, pixels (failed problems count as 100 px). */
  readonly proj2dPx: number;
  /** Per sample errors (null where PnP failed). */
  readonly errors: (PoseErrors | null)[];
  readonly failures: number;
  /** [N, 7] the estimated poses (NaN where PnP failed). */
  readonly poses: Float64Array;
  /** [N] seconds per estimate (its batch's time over the batch). */
  readonly seconds: Float64Array;
}

export function evaluatePoseNet(net: tfl.LayersModel, variant: Variant, test: PoseDataset, options: { batchSize?: number; kernel?: RobustKernel } = {}): PoseScores {
  const batchSize = options.batchSize ?? 32;
  // symmetryRotations lists the identity for an asymmetric object; only real symmetries count.
  const symmetries = test.object.symmetry.kind === 'none' ? [] : symmetryRotations(test.object.symmetry);
  const model = { vertices: test.vertices, diameter: test.object.diameter, symmetries };
  const errors: (PoseErrors | null)[] = [];
  const poses = new Float64Array(test.count * 7).fill(NaN);
  const seconds = new Float64Array(test.count);
  for (let start = 0; start < test.count; start += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, test.count - start) }, (_, i) => start + i);
    const batch = datasetBatch(test, idx);
    try {
      const t0 = performance.now();
      const est = estimatePoses(net, batch.images, batch.boxes, { variant, halfExtent: test.object.halfExtent, intrinsics: test.intrinsics, ...(options.kernel ? { kernel: options.kernel } : {}) });
      const each = (performance.now() - t0) / 1000 / idx.length;
      idx.forEach((i, b) => {
        seconds[i] = each;
        if (est.status[b] === 'ok' || est.status[b] === 'poor-fit') poses.set(est.pose.subarray(b * 7, b * 7 + 7), i * 7);
        errors.push(est.status[b] === 'ok' || est.status[b] === 'poor-fit' ? poseErrors(est.pose.subarray(b * 7, b * 7 + 7), batch.poses.subarray(b * 7, b * 7 + 7), model, test.intrinsics) : null);
      });
    } finally {
      tf.dispose([batch.images, batch.x3d, batch.masks, batch.objectMasks]);
    }
  }
  const ok = errors.filter((e): e is PoseErrors => e !== null);
  // A failed estimate fails every threshold: score it with errors beyond all of them.
  const failed: PoseErrors = { add: Infinity, addS: Infinity, rotationDeg: 180, translationCm: Infinity, projectionPx: Infinity, mssd: Infinity, mspd: Infinity };
  const all = errors.map((e) => e ?? failed);
  const accuracy = poseAccuracy(all, test.object.diameter, symmetries.length > 0);
  const proj = errors.reduce((s, e) => s + (e ? Math.min(e.projectionPx, 100) : 100), 0) / errors.length;
  return { accuracy, proj2dPx: proj, errors, failures: errors.length - ok.length, poses, seconds };
}
