/**
 * Does a trained model's pose distribution show an object's symmetry? For a two-fold symmetric
 * object, on each test crop whose two symmetric readings reproject within 1 px of each other
 * (the view really is ambiguous), the orientation profile of p(y | X) about the symmetry axis,
 * from the network's own correspondences, should have a second peak 180 ± 20 deg from the
 * first with at least 20 % of its height. `twoMode` is true when at least half of those crops
 * have one.
 */
import { tf, ValueError, type tfl } from '@lacuna/core';
import { datasetBatch } from '../dataset/batch.js';
import type { PoseDataset } from '../dataset/pose_dataset.js';
import { quaternionToMatrix } from '../geometry/rotation.js';
import { makePnPBatch, type RobustKernel } from '../problem/pnp_batch.js';
import { axisAngleMatrix } from '../render/mesh.js';
import { estimatePoses } from '../workflow/estimate_pose.js';
import { orientationProfile } from '../workflow/pose_pictures.js';
import type { Variant } from '../workflow/pose_train_config.js';

export interface TwoModeStats {
  /** Crops whose two symmetric readings reproject within `ambiguityPx`. */
  readonly ambiguous: number;
  /** Of those, the share whose profile has the second peak. */
  readonly fraction: number;
  readonly twoMode: boolean;
}

/** Max over the model's vertices of the distance (px) to the nearest vertex projected under the symmetric twin pose. */
export function twinReprojectionPx(vertices: ArrayLike<number>, pose: ArrayLike<number>, axis: readonly [number, number, number], K: { fx: number; fy: number; cx: number; cy: number }): number {
  const R = quaternionToMatrix(pose, new Float64Array(9), 3);
  const S = axisAngleMatrix(axis, Math.PI);
  const project = (M: Float64Array) => {
    const n = vertices.length / 3;
    const uv = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      const x = vertices[i * 3]!, y = vertices[i * 3 + 1]!, z = vertices[i * 3 + 2]!;
      const xc = M[0]! * x + M[1]! * y + M[2]! * z + pose[0]!, yc = M[3]! * x + M[4]! * y + M[5]! * z + pose[1]!, zc = M[6]! * x + M[7]! * y + M[8]! * z + pose[2]!;
      uv[i * 2] = (K.fx * xc) / zc + K.cx;
      uv[i * 2 + 1] = (K.fy * yc) / zc + K.cy;
    }
    return uv;
  };
  const RS = new Float64Array(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) RS[r * 3 + c] = RS[r * 3 + c]! + R[r * 3 + k]! * S[k * 3 + c]!;
  const a = project(R), b = project(RS);
  let worst = 0;
  for (let i = 0; i < a.length; i += 2) {
    let best = Infinity;
    for (let j = 0; j < b.length; j += 2) best = Math.min(best, Math.hypot(a[i]! - b[j]!, a[i + 1]! - b[j + 1]!));
    worst = Math.max(worst, best);
  }
  return worst;
}

/** Whether a circular profile has a peak 180 ± `toleranceDeg` from its maximum with at least `level` of its height. */
export function hasOppositePeak(profile: ArrayLike<number>, toleranceDeg = 20, level = 0.2): boolean {
  const n = profile.length;
  let top = 0;
  for (let i = 1; i < n; i++) if (profile[i]! > profile[top]!) top = i;
  const span = Math.round((toleranceDeg / 360) * n);
  const opposite = top + Math.round(n / 2);
  for (let d = -span; d <= span; d++) {
    const i = (((opposite + d) % n) + n) % n;
    const v = profile[i]!;
    if (v >= level * profile[top]! && v >= profile[(i + n - 1) % n]! && v >= profile[(i + 1) % n]!) return true;
  }
  return false;
}

export function twoModeStats(net: tfl.LayersModel, variant: Variant, test: PoseDataset, options: { ambiguityPx?: number; batchSize?: number; kernel?: RobustKernel } = {}): TwoModeStats {
  const sym = test.object.symmetry;
  if (sym.kind !== 'discrete' || sym.order !== 2) throw new ValueError(`twoModeStats: needs a two-fold symmetric object, '${test.object.name}' has symmetry ${sym.kind}`);
  const limit = options.ambiguityPx ?? 1;
  const batchSize = options.batchSize ?? 32;
  // The twin check uses a subsample of the vertices (O(V^2) per crop).
  const step = Math.max(1, Math.floor(test.vertices.length / 3 / 300));
  const verts = Float64Array.from({ length: Math.ceil(test.vertices.length / 3 / step) * 3 }, (_, i) => test.vertices[Math.floor(i / 3) * step * 3 + (i % 3)]!);
  let ambiguous = 0, withPeak = 0;
  for (let start = 0; start < test.count; start += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, test.count - start) }, (_, i) => start + i);
    const batch = datasetBatch(test, idx);
    try {
      const est = estimatePoses(net, batch.images, batch.boxes, { variant, halfExtent: test.object.halfExtent, intrinsics: test.intrinsics, ...(options.kernel ? { kernel: options.kernel } : {}) });
      const { x3d, x2d, w2d, cameras, N, kernel } = est.problems;
      idx.forEach((i, b) => {
        if (twinReprojectionPx(verts, test.poses.subarray(i * 7, i * 7 + 7), sym.axis, test.intrinsics) > limit) return;
        ambiguous += 1;
        if (est.status[b] !== 'ok' && est.status[b] !== 'poor-fit') return;
        const one = makePnPBatch({ x3d: x3d.subarray(b * N * 3, (b + 1) * N * 3), x2d: x2d.subarray(b * N * 2, (b + 1) * N * 2), w2d: w2d.subarray(b * N * 2, (b + 1) * N * 2), camera: cameras[b]!, N, B: 1, kernel });
        if (hasOppositePeak(orientationProfile(one, 0, est.pose.subarray(b * 7, b * 7 + 7), sym.axis))) withPeak += 1;
      });
    } finally {
      tf.dispose([batch.images, batch.x3d, batch.masks, batch.objectMasks]);
    }
  }
  const fraction = ambiguous > 0 ? withPeak / ambiguous : 0;
  return { ambiguous, fraction, twoMode: ambiguous > 0 && fraction >= 0.5 };
}
