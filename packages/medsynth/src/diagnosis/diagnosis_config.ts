/**
 * Settings of the missing-modality diagnosis experiment (issue 4, part 3): the phantom cohort,
 * the subject-level slab the networks see, the split, and how long each network trains.
 * Validated with zod; `lacuna medsynth diagnose --config FILE` reads the same schema.
 *
 * Example: { "ps": [0.3, 0.6], "seeds": [1, 2, 3], "subjects": 60, "voxel": 8, "taskWeight": 0.5 }
 *
 * The defaults are sized so that both p values × 3 seeds run in a few minutes on 2 CPU cores
 * (244 s on one wasm thread of a busy 2-core machine, 60 subjects at 8 mm).
 */
import { loadConfig, parseConfig, z } from '@lacuna/core';

const positiveInt = z.number().int().positive();
const fraction = z.number().gt(0).lt(1);

/** Everything but the PET fractions and the seeds: what one experiment run depends on. */
export const diagnosisSettingsSchema = z.strictObject({
  /** Phantom subjects (diseased and healthy come in balanced pairs; use an even count). */
  subjects: z.number().int().min(8).default(60),
  /** Isotropic phantom voxel (mm). */
  voxel: z.number().min(2).max(8).default(8),
  /** Cohort seed of the phantom; the volumes do not depend on the experiment seeds. */
  phantomSeed: z.number().int().nonnegative().default(0),
  /**
   * MR modalities given to every subject (classifier channels and G's input). T1 alone shows the
   * regional atrophy only in part; with T2 (bright CSF) MRI alone already separates the classes.
   */
  mri: z.array(z.enum(['t1', 't2', 'pd', 'flair'])).min(1).default(['t1']),
  /** Axial slices of the subject-level slab, as channels. */
  slices: z.number().int().min(1).max(16).default(4),
  /** Distance between the slab's slices (mm). */
  sliceStepMm: z.number().positive().default(8),
  /** Height (world z, mm) of the slab's centre: the temporo-parietal disease region sits ~12–16 mm above the head centre. */
  slabCentreMm: z.number().default(14),
  /** Fraction of subjects held out for testing; they are treated as lacking PET. */
  testFraction: fraction.default(0.3),
  /** Classifier: channels per stage (3×3 conv → norm → ReLU, 2×2 max-pool between stages). */
  classifierWidths: z.array(positiveInt).min(1).default([16, 32, 64]),
  /** Norm of every classifier stage but the last (see slab_classifier.ts). */
  classifierNorm: z.enum(['batch', 'instance', 'none']).default('instance'),
  classifierSteps: positiveInt.default(300),
  /** Subjects per classifier (and joint) step. */
  batchSize: z.number().int().min(2).default(8),
  lr: z.number().positive().default(1e-3),
  /** Completion generator G (slice-wise U-Net MRI → PET). */
  generatorBase: positiveInt.default(8),
  generatorDepth: z.number().int().min(1).max(4).default(2),
  generatorSteps: positiveInt.default(300),
  /** Subjects per G step (each contributes all its slices). */
  generatorBatch: positiveInt.default(2),
  generatorLr: z.number().positive().default(2e-3),
  /** Joint (task-oriented) training of G and the classifier, from the L1 pair: steps, and λ of the task term in G's loss. */
  jointSteps: positiveInt.default(100),
  taskWeight: z.number().nonnegative().default(0.5),
  /** Training augmentation: random left–right flips (the disease is bilateral) and shifts up to this many pixels. */
  flip: z.boolean().default(true),
  shiftPx: z.number().int().min(0).max(8).default(2),
});

export const diagnosisConfigSchema = diagnosisSettingsSchema.extend({
  /** Fractions of the training subjects that have PET. */
  ps: z.array(fraction).min(1).default([0.3, 0.6]),
  /** Experiment seeds: split, PET availability, network initialisation, batches. */
  seeds: z.array(z.number().int().nonnegative()).min(1).default([1, 2, 3]),
});

export type DiagnosisSettings = z.infer<typeof diagnosisSettingsSchema>;
export type DiagnosisConfig = z.infer<typeof diagnosisConfigSchema>;

/** The defaults, as parsed from {}. */
export const DEFAULT_DIAGNOSIS_CONFIG: DiagnosisConfig = diagnosisConfigSchema.parse({});

/** Validates a config object; every problem is reported with its field. */
export function parseDiagnosisConfig(value: unknown, source = 'diagnosis config'): DiagnosisConfig {
  return parseConfig(diagnosisConfigSchema, value, source);
}

/** Reads and validates a config file (JSON). */
export async function loadDiagnosisConfig(path: string): Promise<DiagnosisConfig> {
  return loadConfig(diagnosisConfigSchema, path);
}
