/**
 * Trains the correspondence network end to end through the EPro-PnP layer (or, for variant A,
 * with the coordinate and mask surrogate losses only), with the core training loop: progress,
 * train.jsonl, checkpoints, resume. The Monte Carlo loss is divided by a running mean of the
 * predicted weight scale and weighted 0.02, as EPro-PnP's LineMOD training does (its raw scale
 * is large); the sampler's state and that running mean are checkpointed, so a resumed run
 * repeats an uninterrupted one.
 */
import { join } from 'node:path';
import { ConfigError, data, tf, train, type tfl } from '@lacuna/core';
import { buildCdpnNet, cdpnForward, firstHypothesis } from '../network/cdpn_net.js';
import { pnpInputs } from '../network/pnp_inputs.js';
import { datasetBatch } from '../dataset/batch.js';
import { renderDataset, type PoseDataset } from '../dataset/pose_dataset.js';
import { readDataset } from '../dataset/dataset_files.js';
import { isBopFolder, readBopDataset } from '../dataset/bop_files.js';
import type { ObjectName } from '../render/objects.js';
import { EProPnP } from '../layer/epropnp.js';
import { cropCameras } from './estimate_pose.js';
import { coordinateL1, maskBce, targetsAtOutput } from '../losses/surrogate_losses.js';
import { nearestSymmetricPoses, nearestSymmetricTargets } from '../losses/symmetric_targets.js';
import { symmetryRotations, type Symmetry } from '../render/mesh.js';
import { parseSymmetry } from '../render/mesh_model.js';
import { variantTerms, type PoseTrainConfig } from './pose_train_config.js';
import { loadPoseModel, savePoseModel } from './pose_model_folder.js';

export interface TrainPoseOptions {
  /** Use this data set instead of the config's file or rendering. */
  dataset?: PoseDataset;
  resume?: boolean;
  progress?: train.ProgressMode;
  /** Called with each step's losses. */
  onStep?: (completed: number, losses: Readonly<Record<string, number>>) => void;
}

export interface TrainPoseResult {
  steps: number;
  seconds: number;
  losses: Readonly<Record<string, number>>;
  interrupted: boolean;
  modelDir: string;
}

/** The training data of a config: its file, or rendered in memory. */
export async function trainingData(config: PoseTrainConfig): Promise<PoseDataset> {
  if (config.data.file && (await isBopFolder(config.data.file))) {
    // BOP instances cropped around their boxes with CDPN's zoom-in jitter (fixed per instance).
    return readBopDataset(config.data.file, { split: config.data.split, cropSize: config.data.cropSize, zoomIn: {}, seed: config.data.seed, ...(config.data.objId ? { objId: config.data.objId } : {}) });
  }
  if (config.data.file) {
    const ds = await readDataset(config.data.file);
    if (config.object && config.object !== ds.object.name) {
      throw new ConfigError(`object '${config.object}' was asked for, but the data set ${config.data.file} holds '${ds.object.name}': leave out --object ("object") or render a data set of ${config.object}`, 'object', config.object);
    }
    return ds;
  }
  return renderDataset({ object: (config.object ?? 'bunny') as ObjectName, count: config.data.train, seed: config.data.seed, views: config.data.views, cropSize: config.data.cropSize });
}

export async function trainPose(config: PoseTrainConfig, options: TrainPoseOptions = {}): Promise<TrainPoseResult> {
  const loaded = options.dataset ?? (await trainingData(config));
  // A symmetry given in the config replaces the data's (and is saved with the model).
  const ds: PoseDataset = config.data.symmetry ? { ...loaded, object: { ...loaded.object, symmetry: parseSymmetry(config.data.symmetry) } } : loaded;
  const terms = variantTerms(config.variant);
  const S = ds.cropSize;
  const net = buildCdpnNet({ inputSize: S, outputSize: config.model.outputSize, width: config.model.width, seed: config.train.seed, hypotheses: config.model.hypotheses });
  if (config.train.init) await initialiseFrom(net, config.train.init, config.train.initHypotheses, ds.object.symmetry);
  const optimizer = new train.Optimizer({ kind: 'adam', lr: config.train.lr });
  const layer = new EProPnP({ seed: config.train.seed, amis: { mcSamples: config.mcSamples }, kernel: config.train.kernel });
  const rng = new data.Random(config.train.seed);
  const halfExtent = ds.object.halfExtent;
  const { batchSize, points } = config.train;
  // Symmetry-aware targets for a symmetric object (continuous symmetries sampled every 10 deg).
  const objectSymmetries = ds.object.symmetry.kind !== 'none' ? symmetryRotations(ds.object.symmetry, 36) : [];
  const symmetries = config.train.symmetryAware ? objectSymmetries : [];
  const H = config.model.outputSize;
  let normFactor = 1;
  const result = await train.runTraining({
    steps: config.train.steps,
    rng,
    models: { net },
    optimizers: { net: optimizer },
    state: {
      get: () => ({ normFactor, sampler: layer.getRandomState() }),
      set: (v) => {
        const s = v as { normFactor: number; sampler: data.RandomState };
        normFactor = s.normFactor;
        layer.setRandomState(s.sampler);
      },
    },
    checkpoint: { dir: join(config.out, 'checkpoints'), every: config.train.checkpointEvery },
    resume: options.resume ?? false,
    logFile: join(config.out, 'train.jsonl'),
    progress: options.progress ?? 'auto',
    progressLabel: `epropnp ${config.variant}`,
    onStep: options.onStep,
    step: (ctx) => {
      const idx = Array.from({ length: batchSize }, () => ctx.rng.int(0, ds.count));
      const batch = datasetBatch(ds, idx);
      const parts: Record<string, number> = {};
      try {
        const targets = targetsAtOutput(batch.x3d, batch.masks, H);
        const cameras = cropCameras(batch.boxes, H, ds.intrinsics);
        let targetX3d = targets.x3d;
        let targetPoses: ArrayLike<number> = batch.poses;
        const loss = optimizer.minimize(() => {
          const out = cdpnForward(net, batch.images, halfExtent, true);
          if (symmetries.length > 1) {
            // The symmetric reading nearest to the prediction, for both terms (see symmetric_targets.ts).
            const chosen = nearestSymmetricTargets(firstHypothesis(out.x3d).dataSync(), targets.x3d.dataSync(), targets.mask.dataSync(), batch.poses, symmetries);
            targetX3d = tf.tensor4d(chosen.x3d, targets.x3d.shape);
            targetPoses = chosen.poses;
          }
          const total: tf.Scalar[] = [];
          if (terms.coord) {
            const l = coordinateL1(out.x3d, targetX3d, targets.mask, halfExtent);
            parts.coord = l.dataSync()[0]!;
            total.push(tf.mul(l, config.loss.coord) as tf.Scalar);
          }
          if (terms.mask) {
            const l = maskBce(tf.slice(out.w2dLogits, [0, 0, 0, 0], [-1, -1, -1, 1]) as tf.Tensor4D, targets.mask);
            parts.mask = l.dataSync()[0]!;
            total.push(tf.mul(l, config.loss.mask) as tf.Scalar);
          }
          if (terms.mc) {
            const inputs = pnpInputs(out, batch.boxes, { points: Math.min(points, H * H), rng: ctx.rng });
            const mc = layer.monteCarloForward(inputs.x3d, inputs.x2d, inputs.w2d, cameras, targetPoses, {
              derivativeRegularisation: terms.derivReg,
              // The Gauss-Newton step from y* reaches only the nearest reading, symmetry-aware or not.
              ...(objectSymmetries.length > 1 ? { derivativeTarget: (poseOpt: Float64Array) => nearestSymmetricPoses(poseOpt, targetPoses, objectSymmetries) } : {}),
            });
            // EPro-PnP's MonteCarloPoseLoss: a running mean of the weight scale normalises the loss.
            normFactor = 0.99 * normFactor + 0.01 * tf.mean(out.scale).dataSync()[0]!;
            const lossMc = tf.div(tf.mean(mc.lossMc), normFactor) as tf.Scalar;
            parts.mc = lossMc.dataSync()[0]!;
            total.push(tf.mul(lossMc, config.loss.mc) as tf.Scalar);
            if (terms.derivReg) {
              const lt = tf.mean(mc.lossT!) as tf.Scalar, lr = tf.mean(mc.lossR!) as tf.Scalar;
              parts.t = lt.dataSync()[0]!;
              parts.r = lr.dataSync()[0]!;
              total.push(tf.mul(lt, config.loss.t) as tf.Scalar, tf.mul(lr, config.loss.r) as tf.Scalar);
            }
          }
          return tf.addN(total) as tf.Scalar;
        }, net);
        tf.dispose(targetX3d === targets.x3d ? [targets.x3d, targets.mask] : [targets.x3d, targets.mask, targetX3d]);
        return { loss, ...parts };
      } finally {
        tf.dispose([batch.images, batch.x3d, batch.masks, batch.objectMasks]);
      }
    },
  });
  const modelDir = join(config.out, 'model');
  await savePoseModel(modelDir, {
    object: ds.object,
    variant: config.variant,
    inputSize: S,
    outputSize: H,
    width: config.model.width,
    ...(config.model.hypotheses > 1 ? { hypotheses: config.model.hypotheses } : {}),
    ...(config.train.kernel !== 'huber' ? { kernel: config.train.kernel } : {}),
    intrinsics: ds.intrinsics,
    trainedSteps: result.completed,
  }, net);
  net.dispose();
  optimizer.dispose();
  return { steps: result.completed, seconds: result.totalSeconds, losses: result.losses, interrupted: result.interrupted, modelDir };
}

/**
 * Copies the weights of a saved model folder into `net` (same architecture required). A
 * one-hypothesis model may start a K-hypothesis network: its heads are repeated K times, as they
 * are ('copy') or with hypothesis k turned by the k-th symmetry rotation ('symmetric': a discrete
 * symmetry about the x, y or z axis, where the turn is a sign change of two coordinates, which
 * passes through tanh exactly).
 */
export async function initialiseFrom(net: tfl.LayersModel, dir: string, mode: 'copy' | 'symmetric', symmetry: Symmetry): Promise<void> {
  const { net: source } = await loadPoseModel(dir);
  try {
    const from = source.getWeights();
    const to = net.getWeights();
    const heads = new Map<string, number>([['x3d_raw', 3], ['w2d_logits', 2]]);
    const names = net.weights.map((w) => w.originalName);
    if (from.length !== to.length) throw new ConfigError(`train.init: ${dir} holds a network of another shape (width or output size differ from this config's)`, 'train.init', dir);
    const signs = mode === 'symmetric' ? hypothesisSigns(symmetry, to[names.findIndex((n) => n.startsWith('x3d_raw'))]!.shape.at(-1)! / 3, dir) : null;
    const weights = from.map((w, i) => {
      if (w.shape.join() === to[i]!.shape.join()) return w;
      const head = [...heads.entries()].find(([h]) => names[i]!.startsWith(h));
      const K = head ? to[i]!.shape.at(-1)! / w.shape.at(-1)! : 0;
      if (!head || w.shape.at(-1) !== head[1] || !Number.isInteger(K) || w.shape.slice(0, -1).join() !== to[i]!.shape.slice(0, -1).join()) {
        throw new ConfigError(`train.init: ${dir} holds a network of another shape (width, output size or hypotheses differ from this config's: ${names[i]} is [${w.shape}], here [${to[i]!.shape}])`, 'train.init', dir);
      }
      // Repeat the head K times along its output channels; for x3d, hypothesis k times its signs.
      return tf.tidy(() => {
        const parts = Array.from({ length: K }, (_, k) => (head[0] === 'x3d_raw' && signs ? tf.mul(w, tf.tensor1d(signs[k]!)) : w));
        return tf.concat(parts, w.rank - 1);
      });
    });
    net.setWeights(weights);
  } finally {
    source.dispose();
  }
}

/** Per hypothesis k, the signs that turn coordinates by the k-th rotation of a discrete symmetry about x, y or z. */
function hypothesisSigns(symmetry: Symmetry, K: number, dir: string): number[][] {
  const axis = symmetry.kind === 'discrete' ? symmetry.axis.map((v) => Math.abs(v)) : [];
  const along = axis.findIndex((v) => v > 0.999);
  if (symmetry.kind !== 'discrete' || symmetry.order !== 2 || along < 0 || K > 2) {
    throw new ConfigError(`train.initHypotheses 'symmetric' needs a two-fold symmetry about the object's x, y or z axis and at most 2 hypotheses (${dir}; the object's symmetry is ${JSON.stringify(symmetry)})`, 'train.initHypotheses');
  }
  // A half turn about one axis negates the other two coordinates.
  return Array.from({ length: K }, (_, k) => [0, 1, 2].map((c) => (k === 1 && c !== along ? -1 : 1)));
}
