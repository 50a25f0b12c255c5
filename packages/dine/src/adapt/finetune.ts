/**
 * Fine-tuning by information maximisation alone: DINE stage 2 (whole network, lr
 * 0.01·(11 + 10·t/T)^−0.75 as DINE_ft.py) and SHOT-IM (classifier frozen, lr
 * 0.01·(1 + 10·t/T)^−0.75, as the SHOT baselines use it). SGD with Nesterov momentum 0.9 and
 * weight decay 1e-3 (DINE) / 5e-4 (SHOT). With `consistency` > 0, stage 2 also asks each warped
 * image's prediction to match the clean image's (IM + consistency · KL(p(x) ‖ p(warp(x)))).
 *
 * Early stopping: every `checkEvery` steps the network labels all target images; when fewer
 * than `tolerance` of them changed since the last check, the predictions have stopped changing
 * and the remaining steps are skipped. Resumable like distillation.
 */
import { data, losses, tf, train, ValueError, type tfl } from '@lacuna/core';
import { inputBatch, type ImageBatch } from '../data/digit_set.js';
import { BatchSchedule } from '../data/batch_schedule.js';
import { randomAffineBatch, type RandomAffineOptions } from '../data/random_affine.js';
import { predictProbabilities } from '../black_box/model_black_box.js';
import { informationMaximisation } from '../losses/entropy.js';
import { argMaxRow } from './adaptive_smoothing.js';
import type { StageResult } from './distill.js';

export type FinetuneSchedule = 'dine' | 'shot';

export interface FinetuneOptions {
  readonly model: tfl.LayersModel;
  readonly target: ImageBatch;
  readonly iterations: number;
  readonly seed: number;
  /** 'dine' (default): lr·(11 + 10p)^−0.75, all layers; 'shot': lr·(1 + 10p)^−0.75, classifier frozen. */
  readonly schedule?: FinetuneSchedule;
  readonly batchSize?: number;
  readonly lr?: number;
  /** Default steps/10. */
  readonly checkEvery?: number;
  /**
   * The class prior of IM's diversity term: 'uniform' (SHOT's, the default) or 'initial', the
   * network's mean prediction on the target before fine-tuning (kept in checkpoints), so that an
   * imbalanced target keeps its class proportions (see informationMaximisation).
   */
  readonly prior?: 'uniform' | 'initial';
  /** Random affine augmentation of the target images (true: DEFAULT_RANDOM_AFFINE). Default off. */
  readonly augment?: boolean | RandomAffineOptions;
  /**
   * Weight of the consistency term: stage 2 minimises IM + consistency · KL(p(x) ‖ p(warp(x))),
   * p(x) the network's current prediction on the clean image (a constant: no gradient flows
   * through it) and p(warp(x)) its prediction on the augmented image it trains on. Entropy
   * minimisation alone sharpens the boundaries around the adaptation set's own writers; the
   * term asks every warped digit to be read as its clean self. Needs `augment`. Default 0: IM
   * alone, the article's stage 2.
   */
  readonly consistency?: number;
  /** Fraction of changed labels under which to stop. Default 0.001; 0 never stops early. */
  readonly tolerance?: number;
  readonly checkpointDir?: string;
  readonly resume?: boolean;
  readonly progress?: train.ProgressMode;
  readonly progressLabel?: string;
  /** After each step: completed steps and the losses (a page's progress bar and curves). */
  readonly onStep?: (completed: number, losses: Readonly<Record<string, number>>) => void | Promise<void>;
  readonly log?: (message: string) => void;
}

export interface FinetuneResult extends StageResult {
  /** Step after which the predictions stopped changing, or null. */
  readonly stoppedAt: number | null;
}

function labelsOf(model: tfl.LayersModel, images: ImageBatch): Int32Array {
  const probs = predictProbabilities(model, images);
  const k = probs.length / images.count;
  return Int32Array.from({ length: images.count }, (_, i) => argMaxRow(probs, k, i));
}

/** The mean of the network's class probabilities over the images. */
function meanPrediction(model: tfl.LayersModel, images: ImageBatch): number[] {
  const probs = predictProbabilities(model, images);
  const k = probs.length / images.count;
  const mean = new Array<number>(k).fill(0);
  for (let i = 0; i < probs.length; i++) mean[i % k]! += probs[i]! / images.count;
  return mean;
}

export async function finetune(o: FinetuneOptions): Promise<FinetuneResult> {
  const consistency = o.consistency ?? 0;
  if (!(consistency >= 0 && Number.isFinite(consistency))) throw new ValueError(`finetune: consistency must be a finite number >= 0, got ${o.consistency}`);
  if (consistency > 0 && !o.augment) throw new ValueError('finetune: consistency compares clean and warped images; it needs augment');
  const schedule = o.schedule ?? 'dine';
  const lr0 = o.lr ?? 0.01;
  const T = o.iterations;
  const offset = schedule === 'dine' ? 11 : 1;
  const optimizer = new train.Optimizer({
    kind: 'sgd',
    lr: (t) => lr0 * (offset + (10 * t) / T) ** -0.75,
    momentum: 0.9,
    nesterov: true,
    weightDecay: schedule === 'dine' ? 1e-3 : 5e-4,
  });
  // SHOT keeps the source hypothesis (classifier) fixed and adapts the features.
  const vars = o.model.trainableWeights
    .filter((w) => schedule === 'dine' || !w.originalName.includes('_classifier'))
    .map((w) => w.read() as tf.Variable);
  const batches = new BatchSchedule(o.target.count, o.batchSize ?? 64, o.seed);
  const augment = o.augment === true ? {} : o.augment || null;
  const checkEvery = o.checkEvery ?? Math.max(1, Math.floor(T / 10));
  const tolerance = o.tolerance ?? 0.001;
  let state: { stoppedAt: number | null; labels: number[] | null; prior?: number[] } = { stoppedAt: null, labels: null };
  if (o.prior === 'initial') state.prior = meanPrediction(o.model, o.target);
  const result = await train.runTraining({
    steps: T,
    models: { model: o.model },
    optimizers: { sgd: optimizer },
    state: { get: () => state, set: (v) => void (state = v as typeof state) },
    ...(o.checkpointDir ? { checkpoint: { dir: o.checkpointDir, every: checkEvery, keep: 2 }, resume: o.resume ?? false } : {}),
    progress: o.progress ?? 'none',
    progressLabel: o.progressLabel ?? 'finetune',
    ...(o.onStep ? { onStep: o.onStep } : {}),
    step: ({ step }) => {
      if (state.stoppedAt !== null) return;
      if (tolerance > 0 && step % checkEvery === 0) {
        const labels = labelsOf(o.model, o.target);
        if (state.labels) {
          let changed = 0;
          labels.forEach((l, i) => void (changed += l !== state.labels![i] ? 1 : 0));
          o.log?.(`finetune step ${step}: ${changed} of ${labels.length} target labels changed`);
          if (changed / labels.length < tolerance) {
            state = { ...state, stoppedAt: step, labels: null };
            return;
          }
        }
        // Spread: the check must not drop the prior (it once did, and stage 2 then pulled an imbalanced target towards uniform classes).
        state = { ...state, stoppedAt: null, labels: Array.from(labels) };
      }
      const idx = batches.indices(step);
      const loss = tf.tidy(() => {
        const x = augment ? randomAffineBatch(o.target, idx, new data.Random(o.seed * 1_000_003 + step), augment) : inputBatch(o.target, idx);
        // [B, K], a constant target: the clean images' current prediction.
        const clean = consistency > 0 ? tf.softmax(o.model.apply(inputBatch(o.target, idx), { training: false }) as tf.Tensor2D) as tf.Tensor2D : null;
        return optimizer.minimize(() => {
          const logits = o.model.apply(x, { training: true }) as tf.Tensor2D; // [B, K]
          const im = informationMaximisation(tf.softmax(logits), undefined, state.prior);
          return clean ? (tf.add(im, tf.mul(consistency, losses.klDivergence(clean, logits))) as tf.Scalar) : im;
        }, vars);
      });
      return { im: loss };
    },
  });
  optimizer.dispose();
  return { completed: result.completed, seconds: result.totalSeconds, losses: result.losses, interrupted: result.interrupted, stoppedAt: state.stoppedAt };
}
