/**
 * DINE stage 1, structural knowledge distillation (and, with terms switched off, the NLL-KL
 * and SD/HD-SHOT distillations). Per batch of target images x with memory rows m:
 *
 *   L = KL(m ‖ student(x))                              distillation
 *     + imWeight · [mean H(p) − H(mean p)]              information maximisation, p = student(x)
 *     + mixupWeight · KL(λp + (1−λ)p[π] ‖ student(λx + (1−λ)x[π]))   MixUp, λ ~ Beta(α, α), targets detached
 *
 * and every iterations/emaUpdates steps the memory moves towards the student's current
 * predictions on all target images, m ← ema·m + (1 − ema)·student. SGD with Nesterov momentum
 * 0.9, weight decay 1e-3, lr 0.01·(1 + 10·t/T)^−1.5 (the defaults of DINE_dist.py).
 * Resumable: checkpoints hold the network, optimiser, RNG and the memory.
 */
import { data, losses, tf, train, type tfl } from '@lacuna/core';

const { klDivergence } = losses;
import { inputBatch, type ImageBatch } from '../data/digit_set.js';
import { BatchSchedule } from '../data/batch_schedule.js';
import { randomAffineBatch, type RandomAffineOptions } from '../data/random_affine.js';
import { predictProbabilities } from '../black_box/model_black_box.js';
import { informationMaximisation } from '../losses/entropy.js';
import { mixBatch } from '../losses/mixup.js';
import { emaUpdate } from './teacher_memory.js';
const { decodeFloats, encodeFloats } = train;

export interface DistillOptions {
  readonly student: tfl.LayersModel;
  /** Unlabelled target images. */
  readonly target: ImageBatch;
  /** [N, K] initial memory (initialMemory); updated in place. */
  readonly memory: Float32Array;
  readonly iterations: number;
  readonly seed: number;
  /** Default 64. */
  readonly batchSize?: number;
  /** Default 0.01. */
  readonly lr?: number;
  /** Power of the lr decay (1 + 10p)^−power. Default 1.5. */
  readonly lrPower?: number;
  /** Default 1e-3. */
  readonly weightDecay?: number;
  /** EMA momentum of the memory; null keeps the memory fixed. Default 0.6. */
  readonly ema?: number | null;
  /** Memory updates over the run. Default 10. */
  readonly emaUpdates?: number;
  /** Default 1 (0 turns MixUp off). */
  readonly mixupWeight?: number;
  /** Default 0.3. */
  readonly mixupAlpha?: number;
  /** Default 1 (0 turns IM off). */
  readonly imWeight?: number;
  /**
   * Random affine augmentation of the target images the student sees (the memory rows stay the
   * teacher's answers on the plain images): true for DEFAULT_RANDOM_AFFINE, or its ranges. Default off.
   */
  readonly augment?: boolean | RandomAffineOptions;
  /** [N] 1 where the teachers answered (a query budget); rows without an answer get no distillation term. Default: all. */
  readonly answered?: Uint8Array;
  readonly checkpointDir?: string;
  readonly resume?: boolean;
  readonly progress?: train.ProgressMode;
  readonly progressLabel?: string;
  /** After each step: completed steps and the losses (a page's progress bar and curves). */
  readonly onStep?: (completed: number, losses: Readonly<Record<string, number>>) => void | Promise<void>;
}

export interface StageResult {
  readonly completed: number;
  readonly seconds: number;
  readonly losses: Readonly<Record<string, number>>;
  readonly interrupted: boolean;
}

export async function distill(o: DistillOptions): Promise<StageResult> {
  const optimizer = new train.Optimizer({
    kind: 'sgd',
    lr: train.inverseLr({ lr: o.lr ?? 0.01, maxSteps: o.iterations, power: o.lrPower ?? 1.5 }),
    momentum: 0.9,
    nesterov: true,
    weightDecay: o.weightDecay ?? 1e-3,
  });
  const batches = new BatchSchedule(o.target.count, o.batchSize ?? 64, o.seed);
  const rng = new data.Random(o.seed);
  const ema = o.ema === undefined ? 0.6 : o.ema;
  const interval = Math.max(1, Math.floor(o.iterations / (o.emaUpdates ?? 10)));
  const mixW = o.mixupWeight ?? 1;
  const alpha = o.mixupAlpha ?? 0.3;
  const imW = o.imWeight ?? 1;
  const k = o.memory.length / o.target.count;
  const memory = o.memory;
  const augment = o.augment === true ? {} : o.augment || null;
  const result = await train.runTraining({
    steps: o.iterations,
    models: { student: o.student },
    optimizers: { sgd: optimizer },
    rng,
    state: { get: () => ({ memory: encodeFloats(memory) }), set: (v) => memory.set(decodeFloats((v as { memory: string }).memory)) },
    ...(o.checkpointDir ? { checkpoint: { dir: o.checkpointDir, every: interval, keep: 2 }, resume: o.resume ?? false } : {}),
    progress: o.progress ?? 'none',
    progressLabel: o.progressLabel ?? 'distill',
    ...(o.onStep ? { onStep: o.onStep } : {}),
    step: ({ step }) => {
      if (ema !== null && step > 0 && step % interval === 0) emaUpdate(memory, predictProbabilities(o.student, o.target), ema);
      const idx = batches.indices(step);
      const b = idx.length;
      const lambda = mixW > 0 ? rng.beta(alpha, alpha) : 1;
      const partner = mixW > 0 ? rng.permutation(b) : null;
      const terms: Record<string, tf.Scalar> = {};
      const loss = tf.tidy(() => {
        // A per-step stream, so a resumed run warps the same way.
        const x = augment ? randomAffineBatch(o.target, idx, new data.Random(o.seed * 1_000_003 + step), augment) : inputBatch(o.target, idx);
        const memRows = new Float32Array(b * k);
        idx.forEach((j, i) => memRows.set(memory.subarray(j * k, (j + 1) * k), i * k));
        const m = tf.tensor2d(memRows, [b, k]);
        const rowWeights = o.answered ? tf.tensor1d(idx.map((j) => o.answered![j]!)) : undefined;
        return optimizer.minimize(() => {
          const logits = o.student.apply(x, { training: true }) as tf.Tensor2D;
          const kl = klDivergence(m, logits, rowWeights);
          let total: tf.Scalar = kl;
          terms['kl'] = tf.keep(tf.clone(kl));
          const probs = tf.softmax(logits);
          if (imW > 0) {
            const im = informationMaximisation(probs);
            terms['im'] = tf.keep(tf.clone(im));
            total = tf.add(total, tf.mul(im, imW));
          }
          if (mixW > 0) {
            const mixed = mixBatch(x, probs, lambda, partner!);
            const mix = klDivergence(mixed.targets, o.student.apply(mixed.inputs, { training: true }) as tf.Tensor2D);
            terms['mix'] = tf.keep(tf.clone(mix));
            total = tf.add(total, tf.mul(mix, mixW));
          }
          return total;
        }, o.student);
      });
      return { loss, ...terms };
    },
  });
  optimizer.dispose();
  return { completed: result.completed, seconds: result.totalSeconds, losses: result.losses, interrupted: result.interrupted };
}
