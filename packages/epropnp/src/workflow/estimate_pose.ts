/**
 * Test-time pose estimation with a trained correspondence network: the network's dense
 * object coordinates and weights over the whole output map become one weighted PnP problem
 * per crop, initialised by EPnP on the most confident points and by random-sample LM, then
 * refined by LM. Variant A (trained without weights) uses its predicted mask as 0/1 weights.
 * The pose covariance (J^T J)^-1 at the solution is the uncertainty.
 */
import { tf, type tfl } from '@lacuna/core';
import { makeCamera, type Camera, type Intrinsics } from '../geometry/camera.js';
import { makePnPBatch, type ProblemStatus, type RobustKernel } from '../problem/pnp_batch.js';
import { solvePnPBatch, type SolveOptions } from '../solver/solve_pnp.js';
import { cdpnForward } from '../network/cdpn_net.js';
import { cropBounds, pixelGridX2d } from '../network/pnp_inputs.js';
import type { Variant } from './pose_train_config.js';

export interface EstimateOptions {
  readonly variant: Variant;
  /** The object's half-extent per axis, metres (the network's coordinate scale). */
  readonly halfExtent: readonly number[];
  readonly intrinsics: Intrinsics;
  readonly solve?: SolveOptions;
  /** The solver's robust kernel: the one the model was trained with (default 'huber'). */
  readonly kernel?: RobustKernel;
}

export interface PoseEstimates {
  /** [B, 7] poses [x, y, z, w, i, j, k] (NaN where status is not 'ok'). */
  readonly pose: Float64Array;
  /** [B, 6, 6] covariance of [dt, dtheta]. */
  readonly covariance: Float64Array;
  readonly status: ProblemStatus[];
  /** [B, H, W] the weight map (mean of the u and v weights, summed over a pixel's hypotheses), for pictures. */
  readonly weights: Float32Array;
  /** [B, H, W, 3] predicted object coordinates (hypothesis 0), metres. */
  readonly x3d: Float32Array;
  readonly outputSize: number;
  /** The PnP inputs (N = H·W·K points, K hypotheses per pixel), for the Monte Carlo pose distribution. */
  readonly problems: { x3d: Float32Array; x2d: Float32Array; w2d: Float32Array; cameras: Camera[]; N: number; kernel: RobustKernel };
}

/** The cameras of crops `boxes` [B, 3]: full-image intrinsics, bounds around each crop. */
export function cropCameras(boxes: ArrayLike<number>, outputSize: number, intrinsics: Intrinsics): Camera[] {
  const cams: Camera[] = [];
  for (let b = 0; b < boxes.length / 3; b++) {
    const [lx, ly, ux, uy] = cropBounds([boxes[b * 3]!, boxes[b * 3 + 1]!, boxes[b * 3 + 2]!], outputSize);
    cams.push(makeCamera(intrinsics, { lb: [lx, ly], ub: [ux, uy] }));
  }
  return cams;
}

/** Estimates the pose of each crop; images [B, S, S, 3] in [0, 1], boxes [B, 3] (cx, cy, size). */
export function estimatePoses(net: tfl.LayersModel, images: tf.Tensor4D, boxes: ArrayLike<number>, options: EstimateOptions): PoseEstimates {
  const B = images.shape[0];
  const { x3d, w2d, H, W, K } = tf.tidy(() => {
    const out = cdpnForward(net, images, options.halfExtent, false);
    const [, h, w, c] = out.x3d.shape;
    const k = c / 3;
    // K hypotheses per pixel: point p is pixel floor(p / K) (see pnp_inputs.ts).
    const logits = tf.reshape(out.w2dLogits, [B, h * w * k, 2]);
    let weights: tf.Tensor;
    if (options.variant === 'A') {
      // The mask head (channel 0): 0/1 weights on the predicted silhouette.
      const fg = tf.cast(tf.greater(tf.slice(logits, [0, 0, 0], [B, h * w * k, 1]), 0), 'float32');
      weights = tf.concat([fg, fg], 2);
    } else {
      const soft = tf.transpose(tf.softmax(tf.transpose(logits, [0, 2, 1])), [0, 2, 1]);
      weights = tf.mul(soft, tf.expandDims(out.scale, 1));
    }
    return { x3d: out.x3d.dataSync() as Float32Array, w2d: weights.dataSync() as Float32Array, H: h, W: w, K: k };
  });
  const N = H * W * K;
  const grid = pixelGridX2d(boxes, H, W);
  const x2d = K === 1 ? grid : new Float32Array(B * N * 2).map((_, i) => grid[(Math.floor(Math.floor(i / 2) / K)) * 2 + (i % 2)]!);
  const cameras = cropCameras(boxes, H, options.intrinsics);
  const kernel = options.kernel ?? 'huber';
  const batch = makePnPBatch({ x3d, x2d, w2d, camera: cameras, N, B, kernel });
  const sol = K === 1 ? solvePnPBatch(batch, { init: 'both', withCovariance: true, onDegenerate: 'flag', seed: 0, ...options.solve }) : solveByHypothesis(batch, { x3d, x2d, w2d, cameras, B, K, pixels: H * W, kernel }, options.solve);
  // Maps for pictures: per pixel, the summed weight over hypotheses and the coordinates of hypothesis 0.
  const pixels = H * W;
  const weights = new Float32Array(B * pixels);
  const x3dMap = K === 1 ? x3d : new Float32Array(B * pixels * 3);
  for (let q = 0; q < B * pixels; q++) {
    for (let k = 0; k < K; k++) weights[q]! += (w2d[(q * K + k) * 2]! + w2d[(q * K + k) * 2 + 1]!) / 2;
    if (K > 1) x3dMap.set(x3d.subarray(q * K * 3, q * K * 3 + 3), q * 3);
  }
  return { pose: sol.pose, covariance: sol.covariance!, status: sol.status, weights, x3d: x3dMap, outputSize: H, problems: { x3d, x2d, w2d, cameras, N, kernel } };
}

/**
 * With K hypotheses per pixel the points of one crop may support K poses, each with the other
 * hypotheses as outliers, where EPnP and random samples over all points start nowhere near any.
 * So each hypothesis' points are solved alone first (EPnP and random samples on them), then LM
 * on all points starts from each of those poses, and the lowest cost wins.
 */
function solveByHypothesis(
  batch: ReturnType<typeof makePnPBatch>,
  p: { x3d: Float32Array; x2d: Float32Array; w2d: Float32Array; cameras: Camera[]; B: number; K: number; pixels: number; kernel: RobustKernel },
  solve: EstimateOptions['solve'],
): ReturnType<typeof solvePnPBatch> {
  const { B, K, pixels } = p;
  let best: ReturnType<typeof solvePnPBatch> | null = null;
  for (let k = 0; k < K; k++) {
    const pick = (src: Float32Array, width: number) => {
      const out = new Float32Array(B * pixels * width);
      for (let q = 0; q < B * pixels; q++) out.set(src.subarray((q * K + k) * width, (q * K + k + 1) * width), q * width);
      return out;
    };
    const own = makePnPBatch({ x3d: pick(p.x3d, 3), x2d: pick(p.x2d, 2), w2d: pick(p.w2d, 2), camera: p.cameras, N: pixels, B, kernel: p.kernel });
    const start = solvePnPBatch(own, { init: 'both', onDegenerate: 'flag', seed: 0, ...solve });
    const poseInit = Float64Array.from(start.pose, (v, i) => (Number.isFinite(v) ? v : [0, 0, 1, 1, 0, 0, 0][i % 7]!));
    const sol = solvePnPBatch(batch, { withCovariance: true, onDegenerate: 'flag', seed: 0, ...solve, poseInit });
    if (!best) {
      best = sol;
      continue;
    }
    for (let b = 0; b < B; b++) {
      if (!(sol.cost[b]! < best.cost[b]!) && Number.isFinite(best.cost[b]!)) continue;
      best.pose.set(sol.pose.subarray(b * 7, b * 7 + 7), b * 7);
      best.cost[b] = sol.cost[b]!;
      best.status[b] = sol.status[b]!;
      if (best.covariance && sol.covariance) best.covariance.set(sol.covariance.subarray(b * 36, b * 36 + 36), b * 36);
    }
  }
  return best!;
}
