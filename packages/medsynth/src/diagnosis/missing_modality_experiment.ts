/**
 * Missing-modality completion for multi-modal diagnosis (issue 4, part 3). A phantom cohort
 * where every subject has MRI and a disease flag, and only a fraction p of the training
 * subjects has FDG-PET; test subjects lack PET. Four ways to diagnose a test subject:
 *
 * - mri_only: C on the MR slab alone, trained on every training subject.
 * - complete_only: C on MR + PET, trained on the complete (PET) training subjects only. It
 *   cannot run without PET, so a test subject's PET is the mean PET slab of those training
 *   subjects (mean imputation): the classifier then decides from MRI and a population PET.
 * - g_l1: G (MR → PET, L1 on the complete subjects) fills the PET of the incomplete training
 *   subjects and of the test subjects; C on MR + PET is trained on every training subject
 *   (real PET where there is one, G's otherwise) and tested on G's PET.
 * - g_task: the g_l1 pair (G and its classifier) trained further jointly, the task term
 *   λ·BCE(C([M, G(M)]), y) reaching G through every training subject's label
 *   (pet_completion.ts); tested with G's PET. Starting from (iii) makes the comparison
 *   (iv) − (iii) the effect of the joint, task-driven training alone, and keeps it cheap.
 *
 * PET that a subject "lacks" is replaced by NaN before anything runs, so using it by mistake
 * makes the scores NaN instead of quietly leaking. All randomness comes from the experiment
 * seed: split and availability, weights (the three MR + PET classifiers share their initial
 * weights and batch order), batches and augmentation. MRI-only results do not depend on p
 * (the split does not), so a `DiagnosisCache` reuses them across p, as it reuses the cohort.
 */
import { tf, ValueError, parseConfig, type tfl } from '@lacuna/core';
import { planAvailability, type AvailabilityPlan } from './availability.js';
import { diagnosisSettingsSchema, type DiagnosisConfig, type DiagnosisSettings } from './diagnosis_config.js';
import { completeWithGenerator, completeWithMean, buildCompletionGenerator, trainCompletionL1, trainJointly } from './pet_completion.js';
import { disposeBatch, gatherSlabs, slabChannels, type Augmentation } from './slab_batch.js';
import { buildSlabClassifier, classifierLogits, diagnosisScores, drawSubjects, trainClassifier, type DiagnosisScores } from './slab_classifier.js';
import { CohortCache, type SlabCohort } from './slab_cohort.js';

export const DIAGNOSIS_METHODS = ['mri_only', 'complete_only', 'g_l1', 'g_task'] as const;
export type DiagnosisMethod = (typeof DIAGNOSIS_METHODS)[number];

/** One method's test scores for one seed. */
export interface MethodScores extends DiagnosisScores {
  /** g_l1 and g_task: mean |G(M) − P| of the test subjects' completed PET (normalised units), scored against the PET they were treated as lacking. */
  readonly petMae?: number;
}

export interface SeedScores extends MethodScores {
  readonly seed: number;
}

/** Mean and sample standard deviation (n − 1; 0 for one seed) over seeds, and the per-seed values. */
export interface Stat {
  readonly acc: number;
  readonly auc: number;
  readonly accStd: number;
  readonly aucStd: number;
  /** Mean over seeds of the completed test PET's error, for the completion methods. */
  readonly petMae?: number;
  readonly perSeed: readonly SeedScores[];
}

export type MissingModalityResult = Record<DiagnosisMethod, Stat>;

export interface DiagnosisProgress extends MethodScores {
  readonly p: number;
  readonly seed: number;
  readonly method: DiagnosisMethod;
  /** Seconds since the experiment started. */
  readonly seconds: number;
}

/** Generated cohorts and MRI-only scores, shared between runs with the same settings. */
export class DiagnosisCache {
  readonly cohorts = new CohortCache();
  readonly mriOnly = new Map<string, DiagnosisScores>();
}

export interface MissingModalityOptions extends Partial<DiagnosisSettings> {
  /** Fraction of the training subjects with PET, in (0, 1). */
  readonly p: number;
  readonly seeds: readonly number[];
  readonly onProgress?: (e: DiagnosisProgress) => void;
  readonly cache?: DiagnosisCache;
}

/** Per-component seeds derived from the experiment seed. */
const SEED_STREAMS = { plan: 0, classifierInit: 1, classifierBatches: 2, generatorInit: 3, generatorBatches: 4, jointBatches: 5 } as const;
function streamSeed(seed: number, stream: keyof typeof SEED_STREAMS): number {
  return seed * 16 + SEED_STREAMS[stream];
}

/** The cohort as one seed's experiment may see it: PET of every subject without PET is NaN. */
export function hideMissingPet(cohort: SlabCohort, plan: AvailabilityPlan): SlabCohort {
  const per = cohort.slices * cohort.height * cohort.width;
  const pet = Float32Array.from(cohort.pet);
  plan.hasPet.forEach((has, i) => {
    if (!has) pet.fill(NaN, i * per, (i + 1) * per);
  });
  return { ...cohort, pet };
}

function augmentation(s: DiagnosisSettings): Augmentation {
  return { flip: s.flip, shiftPx: s.shiftPx };
}

/** Trains a fresh C on subjects `pool` of the cohort, with or without its PET channel. */
function fitClassifier(cohort: SlabCohort, pool: readonly number[], withPet: boolean, s: DiagnosisSettings, seed: number): tfl.LayersModel {
  const c = buildSlabClassifier({ inChannels: cohort.slices * (cohort.mriChannels + (withPet ? 1 : 0)), height: cohort.height, width: cohort.width, widths: s.classifierWidths, norm: s.classifierNorm, seed: streamSeed(seed, 'classifierInit') });
  const aug = augmentation(s);
  trainClassifier(c, { steps: s.classifierSteps, lr: s.lr, seed: streamSeed(seed, 'classifierBatches') }, (rng) => {
    const b = gatherSlabs(cohort, drawSubjects(pool, s.batchSize, rng), aug, rng);
    try {
      return { input: slabChannels(b.mri, withPet ? b.pet : null, cohort.slices), labels: tf.clone(b.labels) };
    } finally {
      disposeBatch(b);
    }
  });
  return c;
}

/** Mean |a − b| of the PET slabs of `subjects` (evaluation only: b holds the PET the experiment hid). */
export function petMae(a: SlabCohort, b: SlabCohort, subjects: readonly number[]): number {
  const per = a.slices * a.height * a.width;
  let sum = 0;
  for (const i of subjects) for (let v = i * per; v < (i + 1) * per; v++) sum += Math.abs(a.pet[v]! - b.pet[v]!);
  return sum / (subjects.length * per);
}

/** C's accuracy and AUC on subjects `test` of the cohort (whose PET, if used, has been filled in). */
function testClassifier(c: tfl.LayersModel, cohort: SlabCohort, test: readonly number[], withPet: boolean): DiagnosisScores {
  const b = gatherSlabs(cohort, test);
  try {
    const input = slabChannels(b.mri, withPet ? b.pet : null, cohort.slices);
    try {
      const logits = classifierLogits(c, input);
      if (!logits.every(Number.isFinite)) return { acc: NaN, auc: NaN };
      return diagnosisScores(logits, test.map((i) => cohort.labels[i]!));
    } finally {
      input.dispose();
    }
  } finally {
    disposeBatch(b);
  }
}

/**
 * One seed's experiment on a cohort whose PET is complete (it is hidden here per the plan).
 * `mriOnly`, when given, is used instead of training the MRI-only classifier again.
 */
export function runDiagnosisSeed(fullCohort: SlabCohort, plan: AvailabilityPlan, s: DiagnosisSettings, seed: number, mriOnly?: DiagnosisScores, report?: (method: DiagnosisMethod, scores: MethodScores) => void): Record<DiagnosisMethod, MethodScores> {
  const cohort = hideMissingPet(fullCohort, plan);
  const done = (method: DiagnosisMethod, scores: MethodScores): MethodScores => {
    report?.(method, scores);
    return scores;
  };
  const models: tfl.LayersModel[] = [];
  try {
    // (i) MRI only, every training subject.
    let mri = mriOnly;
    if (!mri) {
      const c = fitClassifier(cohort, plan.train, false, s, seed);
      models.push(c);
      mri = testClassifier(c, cohort, plan.test, false);
    }
    const mriScores = done('mri_only', mri);

    // (ii) MRI + PET on the complete subjects; test PET by mean imputation.
    const cComplete = fitClassifier(cohort, plan.complete, true, s, seed);
    models.push(cComplete);
    const completeScores = done('complete_only', testClassifier(cComplete, completeWithMean(cohort, plan.complete, plan.test), plan.test, true));

    // (iii) L1 completion.
    const generatorOptions = { mriChannels: cohort.mriChannels, base: s.generatorBase, depth: s.generatorDepth, seed: streamSeed(seed, 'generatorInit') };
    const gL1 = buildCompletionGenerator(generatorOptions);
    models.push(gL1);
    trainCompletionL1(gL1, cohort, plan.complete, { steps: s.generatorSteps, lr: s.generatorLr, batch: s.generatorBatch, seed: streamSeed(seed, 'generatorBatches') }, augmentation(s));
    const filledL1 = completeWithGenerator(cohort, gL1, [...plan.incomplete, ...plan.test]);
    const cL1 = fitClassifier(filledL1, plan.train, true, s, seed);
    models.push(cL1);
    const l1Scores = done('g_l1', { ...testClassifier(cL1, filledL1, plan.test, true), petMae: petMae(filledL1, fullCohort, plan.test) });

    // (iv) Task-oriented completion: the (iii) pair, G and C, trained further jointly.
    const gTask = buildCompletionGenerator(generatorOptions);
    models.push(gTask);
    gTask.setWeights(gL1.getWeights());
    const cTask = buildSlabClassifier({ inChannels: cohort.slices * (cohort.mriChannels + 1), height: cohort.height, width: cohort.width, widths: s.classifierWidths, norm: s.classifierNorm, seed: streamSeed(seed, 'classifierInit') });
    models.push(cTask);
    cTask.setWeights(cL1.getWeights());
    trainJointly(gTask, cTask, cohort, plan, { steps: s.jointSteps, lr: s.lr, generatorLr: s.generatorLr, batch: s.batchSize, taskWeight: s.taskWeight, seed: streamSeed(seed, 'jointBatches') }, augmentation(s));
    const filledTask = completeWithGenerator(cohort, gTask, plan.test);
    const taskScores = done('g_task', { ...testClassifier(cTask, filledTask, plan.test, true), petMae: petMae(filledTask, fullCohort, plan.test) });

    return { mri_only: mriScores, complete_only: completeScores, g_l1: l1Scores, g_task: taskScores };
  } finally {
    for (const m of models) m.dispose();
  }
}

function sampleStd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
}

/** Mean ± sample std over seeds. */
export function summarize(perSeed: readonly SeedScores[]): Stat {
  const accs = perSeed.map((r) => r.acc);
  const aucs = perSeed.map((r) => r.auc);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const maes = perSeed.flatMap((r) => (r.petMae === undefined ? [] : [r.petMae]));
  return { acc: mean(accs), auc: mean(aucs), accStd: sampleStd(accs), aucStd: sampleStd(aucs), ...(maes.length === perSeed.length ? { petMae: mean(maes) } : {}), perSeed };
}

/** Runs every method for one PET fraction over the seeds. Deterministic given the settings and seeds. */
export function runMissingModalityExperiment(options: MissingModalityOptions): MissingModalityResult {
  const { p, seeds, onProgress, cache = new DiagnosisCache(), ...rest } = options;
  if (!(p > 0 && p < 1)) throw new ValueError(`runMissingModalityExperiment: p must be in (0, 1), got ${p}`);
  if (seeds.length === 0) throw new ValueError('runMissingModalityExperiment: seeds is empty');
  const s = parseConfig(diagnosisSettingsSchema, rest, 'diagnosis settings');
  const cohort = cache.cohorts.get({ subjects: s.subjects, voxel: s.voxel, phantomSeed: s.phantomSeed, mri: s.mri, slices: s.slices, sliceStepMm: s.sliceStepMm, slabCentreMm: s.slabCentreMm, multiple: 2 ** s.generatorDepth });
  const started = performance.now();
  const perSeed: Record<DiagnosisMethod, SeedScores[]> = { mri_only: [], complete_only: [], g_l1: [], g_task: [] };
  for (const seed of seeds) {
    const plan = planAvailability(cohort.labels, p, s.testFraction, streamSeed(seed, 'plan'));
    const mriKey = JSON.stringify([s, seed]);
    const scores = runDiagnosisSeed(cohort, plan, s, seed, cache.mriOnly.get(mriKey), (method, sc) => onProgress?.({ p, seed, method, ...sc, seconds: (performance.now() - started) / 1000 }));
    cache.mriOnly.set(mriKey, scores.mri_only);
    for (const m of DIAGNOSIS_METHODS) perSeed[m].push({ seed, ...scores[m] });
  }
  return Object.fromEntries(DIAGNOSIS_METHODS.map((m) => [m, summarize(perSeed[m])])) as MissingModalityResult;
}

/** Results per PET fraction, keyed `p0.3`, `p0.6`, …, with the wall time. */
export interface DiagnosisReport {
  readonly settings: DiagnosisConfig;
  readonly results: Record<string, MissingModalityResult>;
  readonly seconds: number;
}

/** The whole experiment of a config: every p in `ps` over `seeds`, sharing the cohort and the MRI-only runs. */
export function runDiagnosisExperiments(config: DiagnosisConfig, onProgress?: (e: DiagnosisProgress) => void): DiagnosisReport {
  const { ps, seeds, ...settings } = config;
  const cache = new DiagnosisCache();
  const started = performance.now();
  const results: Record<string, MissingModalityResult> = {};
  for (const p of ps) results[`p${p}`] = runMissingModalityExperiment({ ...settings, p, seeds, cache, ...(onProgress ? { onProgress } : {}) });
  return { settings: config, results, seconds: (performance.now() - started) / 1000 };
}
