/**
 * Completing missing PET with a generator G: MR slices [B·S, H, W, Cm] → PET slices
 * [B·S, H, W, 1], a small slice-wise U-Net (synthesis/generator.ts).
 *
 * - L1 completion: G minimises ‖G(M) − P‖₁ on the training subjects that have PET; it never
 *   sees a disease label.
 * - Task-oriented completion: G and the classifier C are trained jointly, alternating per
 *   batch (in the spirit of task-driven synthesis, e.g. Pan et al., MICCAI 2018, which
 *   completes missing PET from MRI for Alzheimer's diagnosis; here the task loss flows into G):
 *     C step:  min_C  BCE(C([M, G(M)]), y)  over the batch  +  BCE(C([M, P]), y)  over its subjects with PET
 *     G step:  min_G  L1(G(M), P)  over subjects with PET   +  λ·BCE(C([M, G(M)]), y)  over the batch
 *   Every training subject's disease flag is known, so the task term also uses the subjects
 *   without PET — that is where it can add what L1 alone cannot.
 */
import { tf, data, train, type tfl } from '@lacuna/core';
import { bceWithLogits } from '../losses/adversarial.js';
import { l1Loss } from '../losses/reconstruction.js';
import { buildGenerator } from '../synthesis/generator.js';
import type { AvailabilityPlan } from './availability.js';
import { disposeBatch, gatherSlabs, slabChannels, type Augmentation, type SlabBatch } from './slab_batch.js';
import type { SlabCohort } from './slab_cohort.js';
import { drawSubjects } from './slab_classifier.js';

export interface CompletionGeneratorOptions {
  readonly mriChannels: number;
  readonly base: number;
  readonly depth: number;
  readonly seed: number;
}

/** The completion U-Net (instance norm, linear output: PET is not bounded to [−1, 1]). */
export function buildCompletionGenerator(o: CompletionGeneratorOptions): tfl.LayersModel {
  return buildGenerator({ arch: 'unet', inChannels: o.mriChannels, outChannels: 1, base: o.base, depth: o.depth, norm: 'instance', finalActivation: 'none', seed: o.seed, name: 'pet_completion' });
}

export interface GeneratorTraining {
  readonly steps: number;
  readonly lr: number;
  /** Subjects per step. */
  readonly batch: number;
  readonly seed: number;
}

/** Trains G with L1 on the subjects `withPet` (they must have PET); returns the last loss. */
export function trainCompletionL1(g: tfl.LayersModel, cohort: SlabCohort, withPet: readonly number[], t: GeneratorTraining, aug: Augmentation): number {
  const rng = new data.Random(t.seed);
  const opt = new train.Optimizer({ kind: 'adam', lr: t.lr });
  const last = train.fitSteps({
    steps: t.steps,
    step: () => {
      const batch = gatherSlabs(cohort, drawSubjects(withPet, t.batch, rng), aug, rng);
      try {
        return opt.minimize(() => tf.tidy(() => l1Loss(g.apply(batch.mri, { training: true }) as tf.Tensor, batch.pet)), g);
      } finally {
        disposeBatch(batch);
      }
    },
    dispose: [opt],
  });
  return last['loss'] ?? NaN;
}

/**
 * A copy of the cohort whose PET of subjects `fill` is replaced by G's prediction from their MR
 * (inference mode, no augmentation); other subjects keep theirs.
 */
export function completeWithGenerator(cohort: SlabCohort, g: tfl.LayersModel, fill: readonly number[], chunk = 8): SlabCohort {
  const pet = Float32Array.from(cohort.pet);
  const per = cohort.slices * cohort.height * cohort.width;
  for (let start = 0; start < fill.length; start += chunk) {
    const ids = fill.slice(start, start + chunk);
    const batch = gatherSlabs(cohort, ids);
    try {
      const pred = tf.tidy(() => (g.apply(batch.mri, { training: false }) as tf.Tensor).dataSync()); // [b·S·H·W]
      ids.forEach((i, j) => pet.set(pred.subarray(j * per, (j + 1) * per), i * per));
    } finally {
      disposeBatch(batch);
    }
  }
  return { ...cohort, pet };
}

/**
 * A copy of the cohort whose PET of subjects `fill` is the mean PET slab of subjects `from`
 * (mean imputation).
 */
export function completeWithMean(cohort: SlabCohort, from: readonly number[], fill: readonly number[]): SlabCohort {
  const per = cohort.slices * cohort.height * cohort.width;
  const mean = new Float64Array(per);
  for (const i of from) for (let v = 0; v < per; v++) mean[v]! += cohort.pet[i * per + v]!;
  const meanF = Float32Array.from(mean, (s) => s / from.length);
  const pet = Float32Array.from(cohort.pet);
  for (const i of fill) pet.set(meanF, i * per);
  return { ...cohort, pet };
}

/** The C step's loss: BCE on completed slabs of the whole batch + BCE on real slabs of its first `withPet` subjects. */
export function jointClassifierLoss(c: tfl.LayersModel, batch: SlabBatch, fakePet: tf.Tensor4D, withPet: number, slices: number): tf.Scalar {
  return tf.tidy(() => {
    const fakeInput = slabChannels(batch.mri, fakePet, slices); // [B, H, W, S·(Cm+1)]
    if (withPet === 0) return tf.mean(bceWithLogits(c.apply(fakeInput, { training: true }) as tf.Tensor, batch.labels)) as tf.Scalar;
    const rows = withPet * slices;
    const realInput = slabChannels(tf.slice(batch.mri, 0, rows), tf.slice(batch.pet, 0, rows), slices);
    // One pass over both, so batch norm sees real and completed slabs together.
    const logits = c.apply(tf.concat([fakeInput, realInput], 0), { training: true }) as tf.Tensor; // [B + withPet, 1]
    const fake = tf.mean(bceWithLogits(tf.slice(logits, 0, batch.size), batch.labels));
    const real = tf.mean(bceWithLogits(tf.slice(logits, batch.size, withPet), tf.slice(batch.labels, 0, withPet)));
    return tf.add(fake, real) as tf.Scalar;
  });
}

/**
 * The G step's loss: L1(G(M), P) over the batch's first `withPet` subjects + λ·BCE(C([M, G(M)]), y)
 * over the whole batch. C runs in inference mode (it is the fixed critic of this step).
 */
export function jointGeneratorLoss(g: tfl.LayersModel, c: tfl.LayersModel, batch: SlabBatch, withPet: number, slices: number, taskWeight: number): tf.Scalar {
  return tf.tidy(() => {
    const fake = g.apply(batch.mri, { training: true }) as tf.Tensor4D; // [B·S, H, W, 1]
    const rows = withPet * slices;
    const l1 = withPet > 0 ? l1Loss(tf.slice(fake, 0, rows), tf.slice(batch.pet, 0, rows)) : tf.scalar(0);
    if (taskWeight === 0) return l1;
    const logits = c.apply(slabChannels(batch.mri, fake, slices), { training: false }) as tf.Tensor;
    return tf.add(l1, tf.mul(taskWeight, tf.mean(bceWithLogits(logits, batch.labels)))) as tf.Scalar;
  });
}

export interface JointTraining {
  readonly steps: number;
  /** The classifier's Adam rate. */
  readonly lr: number;
  /** G's Adam rate. */
  readonly generatorLr: number;
  /** Subjects per step: half (rounded up) with PET, the rest without, while both kinds remain. */
  readonly batch: number;
  /** λ of the task term in G's loss. */
  readonly taskWeight: number;
  readonly seed: number;
}

/** The subjects of one joint step: those with PET first; returns them and how many have PET. */
export function drawJointBatch(plan: AvailabilityPlan, size: number, rng: data.Random): { indices: number[]; withPet: number } {
  const wantPet = plan.incomplete.length === 0 ? size : Math.ceil(size / 2);
  const petPart = drawSubjects(plan.complete, wantPet, rng);
  const rest = drawSubjects(plan.incomplete, size - petPart.length, rng);
  return { indices: [...petPart, ...rest], withPet: petPart.length };
}

/** Alternating C and G steps (see the file comment); returns the last losses. */
export function trainJointly(g: tfl.LayersModel, c: tfl.LayersModel, cohort: SlabCohort, plan: AvailabilityPlan, t: JointTraining, aug: Augmentation): { classifier: number; generator: number } {
  const rng = new data.Random(t.seed);
  const optC = new train.Optimizer({ kind: 'adam', lr: t.lr });
  const optG = new train.Optimizer({ kind: 'adam', lr: t.generatorLr });
  const last = train.fitSteps({
    steps: t.steps,
    step: () => {
      const { indices, withPet } = drawJointBatch(plan, t.batch, rng);
      const batch = gatherSlabs(cohort, indices, aug, rng);
      const fake = tf.tidy(() => g.apply(batch.mri, { training: true }) as tf.Tensor4D); // held fixed in the C step
      try {
        const classifier = optC.minimize(() => jointClassifierLoss(c, batch, fake, withPet, cohort.slices), c);
        const generator = optG.minimize(() => jointGeneratorLoss(g, c, batch, withPet, cohort.slices, t.taskWeight), g);
        return { classifier, generator };
      } finally {
        fake.dispose();
        disposeBatch(batch);
      }
    },
    dispose: [optC, optG],
  });
  return { classifier: last['classifier'] ?? NaN, generator: last['generator'] ?? NaN };
}
