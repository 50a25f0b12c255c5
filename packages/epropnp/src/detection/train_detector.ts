/**
 * Training and evaluating the direct detector (Node): scenes in memory (rendered, or read from a
 * scene set), Adam with a cosine schedule, horizontal flips (exact: the principal point is the
 * image centre, so a flipped image is the mirrored scene, x → −x and yaw → −yaw), the core
 * training loop's progress, train.jsonl, checkpoints and --resume; the model folder at the end.
 */
import { join } from 'node:path';
import { ConfigError, data, tf, train } from '@lacuna/core';
import type { Intrinsics } from '../geometry/camera.js';
import { sampleRandom } from '../dataset/pose_dataset.js';
import { wrapAngle, type Box3D } from './box3d.js';
import { makeCamera } from '../geometry/camera.js';
import { EProPnP } from '../layer/epropnp.js';
import { denseTargets, projectBox } from './dense_targets.js';
import { buildDeformableHead, deformableForward, type DeformableQueries } from './deformable_head.js';
import { verticalWeightRatio } from './epropnp_pictures.js';
import { DEFAULT_LOSS_WEIGHTS, detectorLoss } from './detector_loss.js';
import { DETECTOR_MODEL_FOLDER, detect, openDetector, queriesOf, type DetectOptions, type DetectorHead, type DetectorMeta, type LoadedDetector } from './detector_model.js';
import { detectionMetrics, type DetectionMetrics } from './detection_metrics.js';
import { buildDirectDetector, detectorForward, detectorForwardWithFeatures, OUTPUT_STRIDE } from './direct_detector_net.js';
import { renderScene, type SceneOptions } from './render_scene.js';
import type { SceneSet } from './scene_files.js';
import { HEADING_FREE_CLASSES, MEAN_SIZES, SCENE_CLASSES } from './scene_objects.js';
import { existsSync } from 'node:fs';

/** Scenes in memory: images as bytes and each image's boxes. */
export interface DetectionData {
  readonly count: number;
  readonly width: number;
  readonly height: number;
  readonly intrinsics: Intrinsics;
  readonly classes: readonly string[];
  /** [N, H, W, 3] RGB bytes. */
  readonly images: Uint8Array;
  readonly truths: readonly (readonly Box3D[])[];
}

/** Renders `count` scenes (scene i from seed and i, as writeSceneSet does) into memory. */
export function renderDetectionData(count: number, seed: number, scene?: SceneOptions, onProgress?: (done: number, total: number) => void): DetectionData {
  let images: Uint8Array | null = null;
  const truths: Box3D[][] = [];
  let first: ReturnType<typeof renderScene> | null = null;
  for (let i = 0; i < count; i++) {
    const s = renderScene(sampleRandom(seed, i), scene);
    first ??= s;
    images ??= new Uint8Array(count * s.width * s.height * 3);
    const off = i * s.width * s.height * 3;
    for (let k = 0; k < s.image.length; k++) images[off + k] = Math.round(s.image[k]! * 255);
    truths.push(s.objects.map((o) => o.box));
    onProgress?.(i + 1, count);
  }
  if (!first || !images) throw new ConfigError('renderDetectionData: count must be at least 1', 'count', count);
  return { count, width: first.width, height: first.height, intrinsics: first.intrinsics, classes: SCENE_CLASSES, images, truths };
}

/** Reads every image of a scene set into memory. */
export async function loadDetectionData(set: SceneSet, limit = Infinity): Promise<DetectionData> {
  const count = Math.min(set.count, limit);
  const px = set.width * set.height * 3;
  const images = new Uint8Array(count * px);
  const truths: Box3D[][] = [];
  for (let i = 0; i < count; i++) {
    const im = await set.image(i);
    for (let k = 0; k < px; k++) images[i * px + k] = Math.round(im[k]! * 255);
    truths.push([...set.truth(i).boxes]);
  }
  return { count, width: set.width, height: set.height, intrinsics: set.intrinsics, classes: set.classes, images, truths };
}

export interface TrainDetectorOptions {
  readonly out: string;
  readonly data: DetectionData;
  /** Default 6000. */
  readonly steps?: number;
  /** Default 16. */
  readonly batchSize?: number;
  /** Peak learning rate (Adam, cosine decay to 1/20 after a warm-up of 200 steps, or a tenth of a shorter run). Default 0.002. */
  readonly lr?: number;
  readonly seed?: number;
  /** Channels at stride 2. Default 16. */
  readonly channels?: number;
  /** 'direct' (default): poses regressed by the dense head; 'epropnp': poses from EPro-PnP over the deformable head. */
  readonly head?: DetectorHead;
  /** EPro-PnP head: points per object (default 32) and AMIS samples (default 128). */
  readonly points?: number;
  readonly mcSamples?: number;
  /** EPro-PnP head: self-attention among an object's points (see DeformableHeadOptions). Default false. */
  readonly pointAttention?: boolean;
  /** Default 500. */
  readonly checkpointEvery?: number;
  readonly resume?: boolean;
  readonly progress?: train.ProgressMode;
  readonly onStep?: (completed: number, losses: Readonly<Record<string, number>>) => void;
}

export interface TrainDetectorResult {
  readonly steps: number;
  readonly seconds: number;
  readonly losses: Readonly<Record<string, number>>;
  readonly interrupted: boolean;
  readonly modelDir: string;
}

/** A batch of images [B, H, W, 3] in [0, 1] with their boxes, each flipped left-right when `flips[b]`. */
function makeBatch(d: DetectionData, idx: readonly number[], flips: readonly boolean[]): { images: tf.Tensor4D; boxes: Box3D[][] } {
  const W = d.width, H = d.height, px = W * H * 3;
  const buf = new Float32Array(idx.length * px);
  const boxes: Box3D[][] = [];
  idx.forEach((n, b) => {
    const src = n * px, dst = b * px;
    if (!flips[b]) {
      for (let k = 0; k < px; k++) buf[dst + k] = d.images[src + k]! / 255;
      boxes.push([...d.truths[n]!]);
      return;
    }
    for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) for (let ch = 0; ch < 3; ch++) buf[dst + (r * W + c) * 3 + ch] = d.images[src + (r * W + (W - 1 - c)) * 3 + ch]! / 255;
    boxes.push(d.truths[n]!.map((bx) => ({ ...bx, centre: [-bx.centre[0], bx.centre[1], bx.centre[2]] as const, yaw: wrapAngle(-bx.yaw) })));
  });
  return { images: tf.tensor4d(buf, [idx.length, H, W, 3]), boxes };
}

export async function trainDetector(o: TrainDetectorOptions): Promise<TrainDetectorResult> {
  const d = o.data;
  const steps = o.steps ?? 6000, batchSize = o.batchSize ?? 16, lr = o.lr ?? 2e-3, seed = o.seed ?? 1, channels = o.channels ?? 16;
  if (Math.abs(d.intrinsics.cx - (d.width - 1) / 2) > 1e-6) throw new ConfigError(`trainDetector: flips need the principal point at the image centre (cx = ${(d.width - 1) / 2}), got cx = ${d.intrinsics.cx}`, 'intrinsics.cx', d.intrinsics.cx);
  const classes = d.classes;
  const meanSizes = Object.fromEntries(classes.map((c) => [c, MEAN_SIZES[c as keyof typeof MEAN_SIZES] ?? meanSizeOf(d, c)]));
  const head = o.head ?? 'direct';
  const net = buildDirectDetector({ classes: classes.length, width: d.width, height: d.height, channels, seed, withFeatures: head === 'epropnp' });
  const deformable = head === 'epropnp' ? buildDeformableHead({ featureChannels: 4 * channels, points: o.points ?? 32, pointAttention: o.pointAttention ?? false, seed }) : null;
  const optimizer = new train.Optimizer({ kind: 'adam', lr: train.cosineLr({ lr, totalSteps: steps, minLr: lr / 20, warmupSteps: Math.min(200, Math.floor(steps / 10)) }) });
  const targetOptions = { classes, meanSizes, intrinsics: d.intrinsics, width: d.width, height: d.height, stride: OUTPUT_STRIDE };
  const layer = new EProPnP({ dof: 4, seed, amis: { mcSamples: o.mcSamples ?? 128 } });
  const camera = makeCamera(d.intrinsics);
  const headingFree = new Set<string>(HEADING_FREE_CLASSES);
  // EPro-PnP's MonteCarloPoseLoss: the loss is divided by a running mean of the weight scale.
  let normFactor = 1;
  const result = await train.runTraining({
    steps,
    rng: new data.Random(seed),
    models: deformable ? { net, query: deformable.query, point: deformable.point } : { net },
    optimizers: { net: optimizer },
    state: {
      get: () => ({ normFactor, sampler: layer.getRandomState() }),
      set: (v) => {
        const st = v as { normFactor: number; sampler: data.RandomState };
        normFactor = st.normFactor;
        layer.setRandomState(st.sampler);
      },
    },
    checkpoint: { dir: join(o.out, 'checkpoints'), every: o.checkpointEvery ?? 500 },
    resume: o.resume ?? false,
    logFile: join(o.out, 'train.jsonl'),
    logEvery: 50,
    progress: o.progress ?? 'auto',
    progressLabel: 'detect train',
    onStep: o.onStep,
    step: (ctx) => {
      const idx = Array.from({ length: batchSize }, () => ctx.rng.int(0, d.count));
      const flips = idx.map(() => ctx.rng.uniform() < 0.5);
      const batch = makeBatch(d, idx, flips);
      const targets = denseTargets(batch.boxes, targetOptions);
      let parts: Record<string, tf.Scalar | number> = {};
      try {
        if (!deformable) {
          const loss = optimizer.minimize(() => {
            const l = detectorLoss(detectorForward(net, batch.images, true), targets);
            parts = l.parts;
            return l.total;
          }, net);
          return { loss, ...parts };
        }
        const objects = poseTargets(batch.boxes, targets.rows, targets.cols, targetOptions, headingFree);
        const queries = jitterBoxes(objects.queries, ctx.rng);
        const loss = optimizer.minimize(() => {
          const { dense, features } = detectorForwardWithFeatures(net, batch.images, true);
          // The dense head keeps classification, centerness and the 2-D box; the pose is EPro-PnP's.
          const l = detectorLoss(dense, targets, EPROPNP_DENSE_WEIGHTS);
          // Report the terms that train; the pose-regression ones have weight 0 here.
          const { cls, ctr, box2d, ...unused } = l.parts;
          tf.dispose(Object.values(unused));
          parts = { cls: cls!, ctr: ctr!, box2d: box2d! };
          if (objects.poses.length === 0) return l.total;
          const out = deformableForward(deformable, features, queries, OUTPUT_STRIDE);
          const mc = layer.monteCarloForward(out.x3d, out.x2d, out.w2d, camera, objects.poses, { derivativeRegularisation: true });
          normFactor = 0.99 * normFactor + 0.01 * tf.mean(out.scale).dataSync()[0]!;
          const lossMc = tf.div(tf.mean(mc.lossMc), normFactor) as tf.Scalar;
          const lossT = tf.mean(mc.lossT!) as tf.Scalar, lossR = tf.mean(mc.lossR!) as tf.Scalar;
          const lossSize = tf.mean(tf.abs(tf.sub(out.logSize, tf.tensor2d(objects.logSize, [objects.logSize.length / 3, 3])))) as tf.Scalar;
          parts = { ...parts, mc: lossMc.dataSync()[0]!, t: lossT.dataSync()[0]!, r: lossR.dataSync()[0]!, size: lossSize.dataSync()[0]! };
          return tf.addN([l.total, tf.mul(lossMc, EPROPNP_LOSS.mc), tf.mul(lossT, EPROPNP_LOSS.t), tf.mul(lossR, EPROPNP_LOSS.r), lossSize]) as tf.Scalar;
        }, [net, deformable.query, deformable.point]);
        return { loss, ...parts };
      } finally {
        batch.images.dispose();
      }
    },
  });
  const modelDir = join(o.out, 'model');
  const meta: Omit<DetectorMeta, 'format' | 'version'> = {
    classes, meanSizes, headingFree: HEADING_FREE_CLASSES.filter((c) => classes.includes(c)), intrinsics: d.intrinsics,
    width: d.width, height: d.height, stride: OUTPUT_STRIDE, channels, trainedSteps: result.completed,
    ...(deformable ? { head: 'epropnp' as const, points: deformable.points } : {}),
  };
  await train.saveModelDir(modelDir, DETECTOR_MODEL_FOLDER, { meta, networks: deformable ? { network: net, query: deformable.query, point: deformable.point } : { network: net } }, 'trainDetector');
  net.dispose();
  deformable?.query.dispose();
  deformable?.point.dispose();
  optimizer.dispose();
  return { steps: result.completed, seconds: result.totalSeconds, losses: result.losses, interrupted: result.interrupted, modelDir };
}

/** The dense head's loss weights under the EPro-PnP head: no pose regression. */
const EPROPNP_DENSE_WEIGHTS = { ...DEFAULT_LOSS_WEIGHTS, offset: 0, depth: 0, size: 0, rotation: 0 };
/** Monte Carlo loss (normalised by the weight scale) and derivative regularisation weights. */
const EPROPNP_LOSS = { mc: 0.2, t: 0.1, r: 0.1 };

/**
 * Each object's query (its projected centre's cell, its projected 3-D box as reference and
 * extent) and 4-DoF pose [x, y, z, yaw]; a heading-free class's yaw is taken as the ray angle (it
 * faces the camera), since its look does not tell one heading from another.
 */
export function poseTargets(batch: readonly (readonly Box3D[])[], rows: number, cols: number, o: { classes: readonly string[]; meanSizes: Readonly<Record<string, readonly [number, number, number]>>; intrinsics: Intrinsics; stride: number }, headingFree: ReadonlySet<string>) {
  const objects: { b: number; cell: number; box2d: readonly number[]; label: string }[] = [];
  const poses: number[] = [], logSize: number[] = [], objectBoxes: Box3D[] = [];
  const off = (o.stride - 1) / 2;
  batch.forEach((boxes, b) => {
    for (const box of boxes) {
      if (!o.classes.includes(box.label)) continue;
      const { centre: [uc, vc], box2d } = projectBox(box, o.intrinsics);
      const i = Math.round((vc - off) / o.stride), j = Math.round((uc - off) / o.stride);
      if (i < 0 || j < 0 || i >= rows || j >= cols) continue;
      objects.push({ b, cell: i * cols + j, box2d, label: box.label });
      objectBoxes.push(box);
      const yaw = headingFree.has(box.label) ? Math.atan2(box.centre[0], box.centre[2]) : box.yaw;
      poses.push(box.centre[0], box.centre[1], box.centre[2], yaw);
      const mean = o.meanSizes[box.label]!;
      logSize.push(...box.size.map((v, k) => Math.log(v / mean[k]!)));
    }
  });
  return { queries: queriesOf(objects, o.meanSizes), poses: Float64Array.from(poses), logSize: Float32Array.from(logSize), boxes2d: objects.map((ob) => ob.box2d), boxes: objectBoxes };
}

/**
 * The queries with each object's reference box jittered, as CDPN's dynamic zoom-in jitters its
 * crops: the centre moved by up to a quarter of the box's half size, the half size scaled by up to
 * e^±0.25, so the head learns to work from the dense head's imperfect boxes it gets at inference.
 */
function jitterBoxes(q: DeformableQueries, rng: data.Random): DeformableQueries {
  const reference = Float32Array.from(q.reference), extent = Float32Array.from(q.extent);
  for (let k = 0; k < reference.length; k++) {
    reference[k] = reference[k]! + 0.25 * extent[k]! * rng.uniform(-1, 1);
    extent[k] = extent[k]! * Math.exp(rng.uniform(-0.25, 0.25));
  }
  return { ...q, reference, extent };
}

/** A class's mean box size in the data (for classes without a built-in mean). */
function meanSizeOf(d: DetectionData, cls: string): [number, number, number] {
  const s = [0, 0, 0];
  let n = 0;
  for (const boxes of d.truths) for (const b of boxes) if (b.label === cls) { s[0] += b.size[0]; s[1] += b.size[1]; s[2] += b.size[2]; n++; }
  if (n === 0) throw new ConfigError(`trainDetector: class '${cls}' has no boxes in the training data`, 'classes', cls);
  return [s[0]! / n, s[1]! / n, s[2]! / n];
}

/** Loads a detector folder on disk (or a training run's folder, whose model is in model/). */
export async function loadDetector(dir: string): Promise<LoadedDetector> {
  if (!existsSync(join(dir, DETECTOR_MODEL_FOLDER.metaFile)) && existsSync(join(dir, 'model', DETECTOR_MODEL_FOLDER.metaFile))) dir = join(dir, 'model');
  return openDetector(train.modelFilesInDir(dir));
}

/** The EPro-PnP head's correspondences for one true object. */
interface HeadAtTruth {
  readonly truth: Box3D;
  readonly box2d: readonly number[];
  readonly x2d: Float32Array; // [N, 2]
  readonly x3d: Float32Array; // [N, 3]
  readonly w2d: Float32Array; // [N, 2]
}

/** The head queried at each true object's cell, with its projected 3-D box as the reference, as in training. */
function headAtTruths(model: LoadedDetector, d: DetectionData, caller: string, batchSize = 32): HeadAtTruth[] {
  if (!model.deformable) throw new ConfigError(`${caller}: the model has no EPro-PnP head`, 'model');
  const { width: W, height: H, stride } = model.meta;
  const rows = Math.floor(H / stride), cols = Math.floor(W / stride);
  const objects: HeadAtTruth[] = [];
  const N = model.deformable.points;
  for (let s = 0; s < d.count; s += batchSize) {
    const n = Math.min(batchSize, d.count - s);
    const truths = d.truths.slice(s, s + n);
    const t = poseTargets(truths, rows, cols, { classes: model.meta.classes, meanSizes: model.meta.meanSizes, intrinsics: model.meta.intrinsics, stride }, new Set());
    if (t.queries.batchIndex.length === 0) continue;
    const x = tf.tensor4d(Float32Array.from(d.images.subarray(s * W * H * 3, (s + n) * W * H * 3), (v) => v / 255), [n, H, W, 3]);
    const { dense, features } = tf.tidy(() => detectorForwardWithFeatures(model.net, x, false));
    const out = deformableForward(model.deformable, features, t.queries, stride);
    const [x2d, x3d, w2d] = [out.x2d.dataSync(), out.x3d.dataSync(), out.w2d.dataSync()] as Float32Array[];
    t.boxes2d.forEach((box2d, m) => objects.push({ truth: t.boxes[m]!, box2d, x2d: x2d!.slice(m * N * 2, (m + 1) * N * 2), x3d: x3d!.slice(m * N * 3, (m + 1) * N * 3), w2d: w2d!.slice(m * N * 2, (m + 1) * N * 2) }));
    tf.dispose([x, dense, features, ...Object.values(out)]);
  }
  return objects;
}

/** The EPro-PnP head's vertical-weight ratio on scenes in memory (see verticalWeightRatio), at the true objects. */
export function verticalWeights(model: LoadedDetector, d: DetectionData, batchSize = 32): number {
  return verticalWeightRatio(headAtTruths(model, d, 'verticalWeights', batchSize));
}

/**
 * How far the head's object coordinates spread against the objects' sizes, per class: the mean
 * over true objects of each axis's standard deviation of x3d over that of points filling the true
 * box uniformly (size / sqrt 12). 1 on an axis: the points spread as the object does; near 0: they
 * collapse onto a line or a plane.
 */
export function x3dSpread(model: LoadedDetector, d: DetectionData, batchSize = 32): Record<string, [number, number, number]> {
  const sums: Record<string, { s: [number, number, number]; n: number }> = {};
  for (const o of headAtTruths(model, d, 'x3dSpread', batchSize)) {
    const N = o.x3d.length / 3;
    const acc = (sums[o.truth.label] ??= { s: [0, 0, 0], n: 0 });
    for (let a = 0; a < 3; a++) {
      let m = 0, m2 = 0;
      for (let k = 0; k < N; k++) { const v = o.x3d[k * 3 + a]!; m += v; m2 += v * v; }
      acc.s[a] += Math.sqrt(Math.max(0, m2 / N - (m / N) ** 2)) / (o.truth.size[a]! / Math.sqrt(12));
    }
    acc.n++;
  }
  return Object.fromEntries(Object.entries(sums).map(([c, { s, n }]) => [c, s.map((v) => v / n) as [number, number, number]]));
}

/** nuScenes-style metrics of a detector on scenes in memory. */
export function evaluateDetector(model: LoadedDetector, d: DetectionData, options: DetectOptions = {}): DetectionMetrics {
  const images = Float32Array.from(d.images, (v) => v / 255);
  const predicted = detect(model, images, d.count, options);
  return detectionMetrics(d.truths.map((truth, i) => ({ truth, predicted: predicted[i]! })), { classes: model.meta.classes, headingFree: model.meta.headingFree });
}
