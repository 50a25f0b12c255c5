/**
 * Source training as SHOT's digits scripts do it: cross-entropy with label smoothing 0.1,
 * SGD (momentum 0.9, Nesterov, weight decay 5e-4), lr 0.01·(1 + 10·t/T)^−0.75, batch 64, and
 * the checkpoint with the best accuracy on held-out source data kept as the result.
 */
import { join } from 'node:path';
import { access } from 'node:fs/promises';
import { data, losses, tf, train, ValueError, type tfl } from '@lacuna/core';
import { inputBatch, type DigitSet } from '../data/digit_set.js';
import { randomAffineBatch, type RandomAffineOptions } from '../data/random_affine.js';
import { BatchSchedule } from '../data/batch_schedule.js';
import { modelAccuracy } from './accuracy.js';
import { digitsNet, type DigitsNetOptions } from './digits_net.js';
import { loadDigitsNet, saveDigitsNet } from './digits_files.js';

export interface TrainSourceOptions {
  readonly train: DigitSet;
  /** Held-out source images for model selection. */
  readonly heldOut: DigitSet;
  readonly steps: number;
  readonly seed: number;
  readonly arch?: DigitsNetOptions['arch'];
  /** Default 64. */
  readonly batchSize?: number;
  /** Default 0.01. */
  readonly lr?: number;
  /** Default 0.1. */
  readonly labelSmoothing?: number;
  /**
   * Random affine augmentation of the training images (true: DEFAULT_RANDOM_AFFINE, the
   * torchvision MNIST recipe; or its ranges). Default off. Drawn per step from the seed, so a
   * resumed run sees the same images.
   */
  readonly augment?: boolean | RandomAffineOptions;
  /** Held-out evaluation every this many steps (and at the end). Default: steps/10. */
  readonly evalEvery?: number;
  /** Checkpoints (and the best model so far, in <dir>/best) for resuming. */
  readonly checkpointDir?: string;
  readonly resume?: boolean;
  readonly progress?: train.ProgressMode;
  readonly log?: (message: string) => void;
}

export interface TrainSourceResult {
  /** The network with the best held-out weights. */
  readonly model: tfl.LayersModel;
  readonly netOptions: DigitsNetOptions;
  readonly heldOutAccuracy: number;
  readonly bestStep: number;
  readonly seconds: number;
}

export async function trainSource(o: TrainSourceOptions): Promise<TrainSourceResult> {
  if (!o.train.labels || !o.heldOut.labels) throw new ValueError('trainSource: the source train and held-out sets need labels');
  // Colour sets and named classes (image folders) carry their channels and class count.
  const netOptions: DigitsNetOptions = {
    arch: o.arch ?? 'lenet',
    seed: o.seed,
    ...(o.train.classNames ? { numClasses: o.train.classNames.length } : {}),
    ...((o.train.channels ?? 1) !== 1 ? { channels: o.train.channels } : {}),
  };
  const model = digitsNet(netOptions);
  const optimizer = new train.Optimizer({ kind: 'sgd', lr: train.inverseLr({ lr: o.lr ?? 0.01, maxSteps: o.steps }), momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
  const batches = new BatchSchedule(o.train.count, o.batchSize ?? 64, o.seed);
  const evalEvery = o.evalEvery ?? Math.max(1, Math.floor(o.steps / 10));
  const bestDir = o.checkpointDir ? join(o.checkpointDir, 'best') : null;
  let best = { accuracy: -1, step: 0 };
  let bestWeights: tf.Tensor[] | null = null;
  const keepBest = async (completed: number) => {
    const acc = modelAccuracy(model, o.heldOut);
    o.log?.(`step ${completed}: held-out source accuracy ${(acc * 100).toFixed(2)} %`);
    if (acc > best.accuracy) {
      best = { accuracy: acc, step: completed };
      tf.dispose(bestWeights ?? []);
      bestWeights = model.getWeights().map((w) => tf.clone(w));
      if (bestDir) await saveDigitsNet(bestDir, model, netOptions, { heldOutAccuracy: acc, step: completed });
    }
  };
  const labels = o.train.labels;
  const augment = o.augment === true ? {} : o.augment || null;
  const t0 = performance.now();
  const result = await train.runTraining({
    steps: o.steps,
    models: { model },
    optimizers: { sgd: optimizer },
    state: { get: () => best, set: (v) => void (best = v as typeof best) },
    ...(o.checkpointDir ? { checkpoint: { dir: join(o.checkpointDir, 'checkpoints'), every: evalEvery, keep: 2 }, resume: o.resume ?? false } : {}),
    progress: o.progress ?? 'none',
    progressLabel: 'train-source',
    step: ({ step }) => {
      const idx = batches.indices(step);
      const loss = tf.tidy(() => {
        const x = augment ? randomAffineBatch(o.train, idx, new data.Random(o.seed * 1_000_003 + step), augment) : inputBatch(o.train, idx);
        const y = tf.tensor1d(Int32Array.from(idx, (i) => labels[i]!), 'int32');
        return optimizer.minimize(() => losses.crossEntropy(model.apply(x, { training: true }) as tf.Tensor2D, y, { smoothing: o.labelSmoothing ?? 0.1 }), model);
      });
      return { loss };
    },
    onStep: async (completed) => {
      if (completed % evalEvery === 0 || completed === o.steps) await keepBest(completed);
    },
  });
  // A resumed run's best weights so far are on disk.
  if (!bestWeights && bestDir && best.step > 0 && (await exists(bestDir))) {
    const saved = await loadDigitsNet(bestDir);
    bestWeights = saved.model.getWeights().map((w) => tf.clone(w));
    saved.model.dispose();
  }
  if (!bestWeights) await keepBest(result.completed);
  model.setWeights(bestWeights!);
  tf.dispose(bestWeights!);
  optimizer.dispose();
  return { model, netOptions, heldOutAccuracy: best.accuracy, bestStep: best.step, seconds: (performance.now() - t0) / 1000 };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
