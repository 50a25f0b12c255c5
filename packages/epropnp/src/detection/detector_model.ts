/**
 * A trained direct detector, the folder `lacuna epropnp detect eval | predict --model` takes:
 *   detector.json   classes, mean sizes, camera, image size, stride, channels, trained steps
 *   network/        TF.js model.json + weights.bin
 * Opened from any ModelFiles (disk, a URL); folders on disk are written in detector_model_folder.ts.
 */
import { ConfigError, IOError, tf, tfl, train } from '@lacuna/core';
import type { Intrinsics } from '../geometry/camera.js';
import { makeCamera } from '../geometry/camera.js';
import { EProPnP } from '../layer/epropnp.js';
import type { PnPSolution } from '../solver/solve_pnp.js';
import { wrapAngle } from './box3d.js';
import { decodeDetections, type DecodeOptions, type Detection } from './decode_detections.js';
import { deformableForward, type DeformableHead, type DeformableQueries } from './deformable_head.js';
import { detectorForward, detectorForwardWithFeatures } from './direct_detector_net.js';

export const DETECTOR_MODEL_FORMAT = 'lacuna-epropnp-detector';

export interface DetectorMeta {
  readonly format: typeof DETECTOR_MODEL_FORMAT;
  readonly version: 1;
  readonly classes: readonly string[];
  readonly meanSizes: Readonly<Record<string, readonly [number, number, number]>>;
  /** Classes without a heading (left out of AOE). */
  readonly headingFree: readonly string[];
  readonly intrinsics: Intrinsics;
  readonly width: number;
  readonly height: number;
  readonly stride: number;
  readonly channels: number;
  readonly trainedSteps: number;
  /** Where the pose comes from: the dense head's regression ('direct', also when absent) or EPro-PnP over the deformable head's points. */
  readonly head?: DetectorHead;
  /** Points per object of the deformable head. */
  readonly points?: number;
  /** EPro-PnP head: the default `uncertaintyScoring` of `detect` (see DetectOptions). */
  readonly uncertaintyScoring?: number;
}

export type DetectorHead = 'direct' | 'epropnp';

export const DETECTOR_MODEL_FOLDER: train.ModelDirFormat = { metaFile: 'detector.json', format: DETECTOR_MODEL_FORMAT, versions: [1], writtenBy: "'lacuna epropnp detect train' (its model/ subfolder)" };

export interface LoadedDetector {
  readonly meta: DetectorMeta;
  readonly net: tfl.LayersModel;
  /** The deformable head (EPro-PnP detectors). */
  readonly deformable?: DeformableHead;
}

/** Opens a detector folder from its files; errors name the folder. */
export async function openDetector(files: train.ModelFiles): Promise<LoadedDetector> {
  const meta = await train.readModelMeta<DetectorMeta>(files, DETECTOR_MODEL_FOLDER);
  const load = async (sub: string) => {
    try {
      return await tfl.loadLayersModel(train.modelFilesIOHandler(files, sub));
    } catch (e) {
      throw new IOError(`${files.where}/${sub}: cannot load the network (${(e as Error).message})`, files.where);
    }
  };
  const net = await load('network');
  if (meta.head !== 'epropnp') return { meta, net };
  return { meta, net, deformable: { query: await load('query'), point: await load('point'), points: meta.points ?? 32 } };
}

/** Options of `detect` beyond decoding. */
export interface DetectOptions extends Partial<DecodeOptions> {
  /** Images per forward pass. Default 32. */
  readonly batchSize?: number;
  /**
   * EPro-PnP head: how much a detection's score trusts its pose distribution, r in [0, 1]: score
   * = s^(1-r) q^r, with q from the ground-plane spread σ of the pose (the Laplace covariance at
   * the solution): q = clamp((2.5 - log2 σ) / 4, 0, 1) (1 within 18 cm, 0 beyond 8 m), as the
   * official detector's Monte Carlo scoring ranks confident poses first. Default: the model's
   * `uncertaintyScoring`, else 0.5 (chosen on validation scenes, seed 777: mAP 0.360 at 0,
   * 0.392 at 0.25, 0.421 at 0.5, 0.406 at 0.75, 0.350 at 1, a 1,000-step model).
   */
  readonly uncertaintyScoring?: number;
}

/** Detections of `images` [B, H, W, 3] (RGB in [0, 1], the model's image size), in batches of `batchSize`. */
export function detect(model: LoadedDetector, images: Float32Array, count: number, options: DetectOptions = {}): Detection[][] {
  const { width: W, height: H } = model.meta;
  if (images.length !== count * H * W * 3) throw new IOError(`detect: expected ${count} images of ${W}x${H} RGB (${count * H * W * 3} values), got ${images.length} values`, 'images');
  const bs = options.batchSize ?? 32;
  const out: Detection[][] = [];
  for (let s = 0; s < count; s += bs) {
    const n = Math.min(bs, count - s);
    const x = tf.tensor4d(images.subarray(s * H * W * 3, (s + n) * H * W * 3), [n, H, W, 3]);
    const decode = { classes: model.meta.classes, meanSizes: model.meta.meanSizes, intrinsics: model.meta.intrinsics, stride: model.meta.stride, ...options };
    if (!model.deformable) {
      const y = detectorForward(model.net, x, false);
      out.push(...decodeDetections(y.dataSync() as Float32Array, y.shape, decode));
      tf.dispose([x, y]);
      continue;
    }
    const { dense, features } = detectorForwardWithFeatures(model.net, x, false);
    const found = decodeDetections(dense.dataSync() as Float32Array, dense.shape, decode);
    out.push(...epropnpPoses(model, features, found, model.deformable, options.uncertaintyScoring ?? model.meta.uncertaintyScoring ?? DEFAULT_UNCERTAINTY_SCORING));
    tf.dispose([x, dense, features]);
  }
  return out;
}

/** Replaces each detection's pose and size with EPro-PnP's, from the deformable head's points at its cell. */
function epropnpPoses(model: LoadedDetector, features: tf.Tensor4D, found: Detection[][], head: DeformableHead, r: number): Detection[][] {
  if (!(r >= 0 && r <= 1)) throw new ConfigError(`detect: uncertaintyScoring must be in [0, 1], got ${r}`, 'uncertaintyScoring', r);
  const flat = found.flatMap((ds, b) => ds.map((d) => ({ d, b })));
  if (flat.length === 0) return found;
  const q = queriesOf(flat.map(({ d, b }) => ({ b, cell: d.cell, box2d: d.box2d, label: d.label })), model.meta.meanSizes);
  const outs = deformableForward(head, features, q, model.meta.stride);
  const layer = new EProPnP({ dof: 4 });
  const sol = solveWithTurns(layer, outs, makeCamera(model.meta.intrinsics));
  const logSize = outs.logSize.dataSync();
  const [x2d, x3d, w2d] = [outs.x2d.dataSync(), outs.x3d.dataSync(), outs.w2d.dataSync()] as Float32Array[];
  const N = head.points;
  tf.dispose(Object.values(outs));
  const result: Detection[][] = found.map(() => []);
  flat.forEach(({ d, b }, m) => {
    const p = sol.pose.subarray(m * 4, m * 4 + 4);
    if (!p.every(Number.isFinite) || !(p[2]! > 0)) return; // a degenerate problem: no pose, no detection
    const mean = model.meta.meanSizes[d.label]!;
    const covariance = sol.covariance!.slice(m * 16, m * 16 + 16);
    result[b]!.push({
      ...d, score: r === 0 ? d.score : d.score ** (1 - r) * poseConfidence(covariance) ** r, centre: [p[0]!, p[1]!, p[2]!], yaw: wrapAngle(p[3]!), size: [mean[0] * Math.exp(logSize[m * 3]!), mean[1] * Math.exp(logSize[m * 3 + 1]!), mean[2] * Math.exp(logSize[m * 3 + 2]!)],
      correspondences: { x2d: x2d!.slice(m * N * 2, (m + 1) * N * 2), x3d: x3d!.slice(m * N * 3, (m + 1) * N * 3), w2d: w2d!.slice(m * N * 2, (m + 1) * N * 2) },
      covariance,
    });
  });
  return result;
}

const DEFAULT_UNCERTAINTY_SCORING = 0.5;

/** A pose's confidence in [0, 1] from its 4x4 covariance ([x, y, z, yaw]): 1 within 18 cm on the ground plane, 0 beyond 8 m, linear in log σ between. */
export function poseConfidence(covariance: Float64Array | Float32Array): number {
  const sigma = Math.sqrt(Math.max(0, covariance[0]!) + Math.max(0, covariance[10]!));
  if (!Number.isFinite(sigma)) return 0;
  return Math.min(1, Math.max(0, (2.5 - Math.log2(Math.max(sigma, 1e-9))) / 4));
}

/** The half size of a 2-D box that spreads the head's points: at least a pixel (a sliver still spreads them), at most half the image (an untrained box head's wild boxes). */
export function boxExtent(u0: number, v0: number, u1: number, v1: number): [number, number] {
  return [Math.min(64, Math.max(1, (u1 - u0) / 2)), Math.min(48, Math.max(1, (v1 - v0) / 2))];
}

/**
 * LM from the solver's own start, then again from that solution turned by a quarter, a half and
 * three quarters about the vertical, keeping the lowest cost per object: a yaw-only cost has a
 * local minimum where the object is seen from behind (or side-on), which one start can land in.
 */
function solveWithTurns(layer: EProPnP, outs: { x3d: tf.Tensor3D; x2d: tf.Tensor3D; w2d: tf.Tensor3D }, camera: ReturnType<typeof makeCamera>): PnPSolution {
  const best = layer.solve(outs.x3d, outs.x2d, outs.w2d, camera, { onDegenerate: 'flag' });
  const M = best.cost.length;
  for (const turn of [Math.PI / 2, Math.PI, -Math.PI / 2]) {
    const init = Float64Array.from(best.pose);
    for (let m = 0; m < M; m++) init[m * 4 + 3] = init[m * 4 + 3]! + turn;
    if (!init.every(Number.isFinite)) for (let m = 0; m < M; m++) if (!Number.isFinite(init[m * 4]!)) init.set([0, 0, 10, turn], m * 4);
    const other = layer.solve(outs.x3d, outs.x2d, outs.w2d, camera, { onDegenerate: 'flag', poseInit: init });
    for (let m = 0; m < M; m++) {
      if (!(other.cost[m]! < best.cost[m]!) || other.status[m] !== 'ok') continue;
      best.pose.set(other.pose.subarray(m * 4, m * 4 + 4), m * 4);
      best.cost[m] = other.cost[m]!;
      best.covariance!.set(other.covariance!.subarray(m * 16, m * 16 + 16), m * 16);
      best.status[m] = other.status[m]!;
    }
  }
  return best;
}

/** Deformable-head queries for objects given by image, cell, 2-D box [u0, v0, u1, v1] and class. */
export function queriesOf(objects: readonly { b: number; cell: number; box2d: readonly number[]; label: string }[], meanSizes: Readonly<Record<string, readonly [number, number, number]>>): DeformableQueries {
  const M = objects.length;
  const q = { batchIndex: new Int32Array(M), cell: new Int32Array(M), reference: new Float32Array(M * 2), extent: new Float32Array(M * 2), meanHalf: new Float32Array(M * 3) };
  objects.forEach((o, m) => {
    const [u0, v0, u1, v1] = o.box2d as [number, number, number, number];
    q.batchIndex[m] = o.b;
    q.cell[m] = o.cell;
    q.reference.set([(u0 + u1) / 2, (v0 + v1) / 2], m * 2);
    q.extent.set(boxExtent(u0, v0, u1, v1), m * 2);
    q.meanHalf.set(meanSizes[o.label]!.map((v) => v / 2), m * 3);
  });
  return q;
}
