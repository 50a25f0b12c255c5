/**
 * The adaptation methods compared in DINE's tables (Liang et al., CVPR 2022), all using only
 * the black boxes' probabilities on the unlabelled target images:
 *   no-adapt   the black box's own predictions (nothing is trained)
 *   nll-kl     distillation from the adaptively smoothed teacher alone (fixed memory, no IM, no MixUp)
 *   hd-shot    hard distillation (cross-entropy on the teacher's argmax), then SHOT-IM
 *   sd-shot    soft distillation (KL to the raw teacher), then SHOT-IM
 *   dine       stage 1: smoothed memory with EMA + IM + MixUp
 *   dine-full  stage 1, then stage 2 (IM fine-tuning with early stopping)
 * The student starts from its own random initialisation; its architecture may differ from
 * the source's.
 */
import { lookUpOption, type tfl, type train } from '@lacuna/core';
import type { ImageBatch } from '../data/digit_set.js';
import type { RandomAffineOptions } from '../data/random_affine.js';
import { digitsNet, type DigitsNetOptions } from '../model/digits_net.js';
import { hardLabels } from './adaptive_smoothing.js';
import { distill, type StageResult } from './distill.js';
import { finetune, type FinetuneResult } from './finetune.js';
import { initialMemory } from './teacher_memory.js';

/**
 * Stage 2's consistency weight by default: 0, the article's IM-only stage 2. Whether it helps
 * depends on the distilled network, so choose it on validation held out by writers: on
 * MNIST -> USPS (a strong distilled network, 97.3 %) IM alone lowered accuracy and weight 1
 * raised it (see the README's dine section); on USPS -> MNIST (a weaker one, 94.4 %, biased by
 * its teacher) stage 2 must move the network far, and the term held it back.
 */
export const DEFAULT_FINETUNE_CONSISTENCY = 0;

export type AdaptMethod = 'nll-kl' | 'hd-shot' | 'sd-shot' | 'dine' | 'dine-full';
export const ADAPT_METHODS: readonly AdaptMethod[] = ['nll-kl', 'hd-shot', 'sd-shot', 'dine', 'dine-full'];

export interface AdaptOptions {
  readonly method: AdaptMethod;
  /** Validated teacher probabilities [N, K] on the target images, one per black box (queryTeachers). */
  readonly teacherProbs: readonly Float32Array[];
  /** [N] 1 where the teachers answered (queryTeachersWithinBudget); the others adapt through IM and MixUp only. Default: all. */
  readonly answered?: Uint8Array;
  readonly numClasses: number;
  readonly target: ImageBatch;
  readonly seed: number;
  /** Stage-1 (distillation) iterations. */
  readonly distillIterations: number;
  /** Stage-2 / SHOT-IM iterations. */
  readonly finetuneIterations: number;
  readonly arch?: DigitsNetOptions['arch'];
  /** Adaptive smoothing's r. Default 1. */
  readonly topR?: number;
  readonly batchSize?: number;
  /** An existing student to continue from (e.g. the DINE stage-1 result for dine-full). */
  readonly student?: { model: tfl.LayersModel; netOptions: DigitsNetOptions };
  /**
   * DINE (full)'s stage-2 class prior: 'uniform' (default, as in the article's code: the diversity
   * term spreads predictions over all classes) or 'initial', the distilled network's mean
   * prediction on the target, for a target whose classes are imbalanced (MNIST -> USPS: the
   * uniform prior relabels boundary digits into the rarer classes). 'initial' also keeps any bias
   * the network took from its teacher (USPS -> MNIST: 89.3 against 95.0 % on validation).
   */
  readonly finetunePrior?: 'uniform' | 'initial';
  /**
   * DINE (full)'s stage-2 consistency weight w (FinetuneOptions.consistency): IM + w · KL(p(x) ‖
   * p(warp(x))); needs targetAugment. Default DEFAULT_FINETUNE_CONSISTENCY (0, the article's
   * stage 2); choose it on validation.
   */
  readonly finetuneConsistency?: number;
  /**
   * Random affine augmentation of the target images in both stages (true: ±10 deg, scale
   * 0.9-1.1, shift ±10 %; or the ranges), so the student does not fit the adaptation set's
   * writers alone. Default off.
   */
  readonly targetAugment?: boolean | RandomAffineOptions;
  /** Skip stage 1 (the given student already went through it). */
  readonly skipDistill?: boolean;
  /** Checkpoints under <dir>/distill and <dir>/finetune. */
  readonly checkpointDir?: string;
  readonly resume?: boolean;
  readonly progress?: train.ProgressMode;
  readonly log?: (message: string) => void;
  /** After each step of each stage, with the stage's completed and total steps. */
  readonly onStep?: (stage: 'distill' | 'finetune', completed: number, total: number) => void | Promise<void>;
}

export interface AdaptResult {
  readonly model: tfl.LayersModel;
  readonly netOptions: DigitsNetOptions;
  readonly distill: StageResult | null;
  readonly finetune: FinetuneResult | null;
}

export async function adapt(o: AdaptOptions): Promise<AdaptResult> {
  const method = lookUpOption(o.method, ADAPT_METHODS, 'adapt.method');
  const netOptions = o.student?.netOptions ?? { arch: o.arch ?? 'lenet', numClasses: o.numClasses, seed: o.seed, ...((o.target.channels ?? 1) !== 1 ? { channels: o.target.channels } : {}) };
  const model = o.student?.model ?? digitsNet(netOptions);
  const k = o.numClasses;
  const common = { target: o.target, seed: o.seed, batchSize: o.batchSize, resume: o.resume, progress: o.progress, ...(o.targetAugment ? { augment: o.targetAugment } : {}) };
  const dir = (name: string) => (o.checkpointDir ? { checkpointDir: `${o.checkpointDir}/${name}` } : {});
  let d: StageResult | null = null;
  if (!o.skipDistill) {
    const memory =
      method === 'hd-shot'
        ? hardLabels(initialMemory(o.teacherProbs, k, null), k)
        : initialMemory(o.teacherProbs, k, method === 'sd-shot' ? null : (o.topR ?? 1));
    const dine = method === 'dine' || method === 'dine-full';
    d = await distill({
      ...(o.onStep ? { onStep: (done: number) => o.onStep!('distill', done, o.distillIterations) } : {}),
      ...common,
      ...dir('distill'),
      student: model,
      memory,
      ...(o.answered ? { answered: o.answered } : {}),
      iterations: o.distillIterations,
      ema: dine ? 0.6 : null,
      mixupWeight: dine ? 1 : 0,
      imWeight: dine ? 1 : 0,
      progressLabel: `${method} distill`,
    });
    if (d.interrupted) return { model, netOptions, distill: d, finetune: null };
  }
  let f: FinetuneResult | null = null;
  if (method === 'dine-full' || method === 'hd-shot' || method === 'sd-shot') {
    f = await finetune({
      ...(o.onStep ? { onStep: (done: number) => o.onStep!('finetune', done, o.finetuneIterations) } : {}),
      ...common,
      ...dir('finetune'),
      model,
      iterations: o.finetuneIterations,
      schedule: method === 'dine-full' ? 'dine' : 'shot',
      tolerance: method === 'dine-full' ? 0.001 : 0,
      // The SHOT baselines keep SHOT's uniform prior.
      prior: method === 'dine-full' ? (o.finetunePrior ?? 'uniform') : 'uniform',
      consistency: method === 'dine-full' ? (o.finetuneConsistency ?? DEFAULT_FINETUNE_CONSISTENCY) : 0,
      progressLabel: `${method} finetune`,
      log: o.log,
    });
  }
  return { model, netOptions, distill: d, finetune: f };
}
