/**
 * The config file of `lacuna medsynth train`: which data, which model, which losses, how long.
 * Validated with zod; every problem is reported with its field path. Relative paths are
 * resolved against the config file's folder.
 *
 * Example (phantom T1 → T2, U-Net with L1 + SSIM):
 *   { "data": { "phantom": "phantom/", "source": ["t1"], "target": "t2" },
 *     "model": { "arch": "unet", "base": 32, "depth": 4 },
 *     "loss": { "l1": 1, "ssim": 1 },
 *     "train": { "steps": 2000, "batchSize": 8 },
 *     "out": "runs/t1_t2" }
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, loadConfig, parseConfig, z } from '@lacuna/core';
import { modalityKind as modalityKindOf } from '../data/intensity_norm.js';

const positiveInt = z.number().int().positive();
const weight = z.number().nonnegative();

const subjectSchema = z.strictObject({
  id: z.string().min(1),
  source: z.array(z.string().min(1)).min(1),
  target: z.string().min(1),
  mask: z.string().min(1).optional(),
  /** Inclusive axial slice range, e.g. [0, 35]. */
  slices: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]).optional(),
  /** Put the subject in this split instead of drawing it. */
  role: z.enum(['train', 'val', 'test']).optional(),
});

const dataSchema = z
  .strictObject({
    /** A folder written by `lacuna medsynth phantom`. */
    phantom: z.string().min(1).optional(),
    /** Explicit subjects (real data). */
    subjects: z.array(subjectSchema).min(1).optional(),
    /**
     * A BIDS folder: one subject per sub-*[/ses-*]; data.source and data.target name BIDS
     * suffixes ("T1w", "T2w", "PDw", "FLAIR", "pet", "ct"). As an object: { dir, run, filter }
     * picks a run and filters on entities (e.g. { "acq": "mprage" }).
     */
    bids: z.union([z.string().min(1), z.strictObject({ dir: z.string().min(1), run: z.string().min(1).optional(), filter: z.record(z.string(), z.string()).optional() })]).optional(),
    /** A MONAI-style datalist JSON ({ training, validation, test }: image = source files, label = target). */
    datalist: z.string().min(1).optional(),
    source: z.array(z.string().min(1)).min(1).default(['t1']),
    target: z.string().min(1).default('t2'),
    /** Subjects without a role: validation and test counts (≥ 1) or fractions (< 1). */
    split: z.strictObject({ val: weight.default(0.1), test: weight.default(0.2), seed: z.number().int().default(0) }).prefault({}),
    /**
     * The working grid of every subject: its files are reoriented to `orientation` (default
     * 'RAS', so axial slices run along S/I whatever the files' axis order; 'native' keeps the
     * arrays as stored) and, with `spacing` (mm), resampled to that voxel size. Files on
     * different grids are resampled onto the target's through their affines.
     */
    geometry: z.strictObject({
      orientation: z.string().regex(/^(native|[RLAPSIrlapsi]{3})$/, "three letters, one of R/L, A/P, S/I each (e.g. 'RAS', 'LPS'), or 'native'").default('RAS'),
      spacing: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]).optional(),
    }).prefault({}),
    /** Neighbouring slices per side as extra input channels (2.5-D). */
    context: z.number().int().min(0).max(8).default(0),
    /**
     * Train from unpaired images (model.arch 'cyclegan'): the source images and the target images
     * of each step come from disjoint halves of the training data (alternate subjects when there
     * are two or more, else alternate slices), so no source image is ever seen with its own target.
     */
    unpaired: z.boolean().default(false),
    /** Train on random patches of this size instead of whole slices. */
    patchSize: positiveInt.optional(),
    /**
     * Random changes to each training batch (networks only; off by default): mirror images left to
     * right (`flip`; brains are nearly symmetric, so this doubles the anatomy seen), and scale the
     * source's normalised intensities by a factor in [1 - intensity, 1 + intensity] (scanner gain).
     */
    augment: z.strictObject({ flip: z.boolean().default(false), intensity: z.number().min(0).max(0.5).default(0) }).prefault({}),
    norm: z.strictObject({ percentile: z.number().gt(50).max(100).default(99.5), window: z.tuple([z.number(), z.number()]).default([-1000, 2000]), suvMax: z.number().positive().default(4) }).prefault({}),
  })
  .refine((d) => [d.phantom, d.subjects, d.bids, d.datalist].filter((x) => x !== undefined).length === 1, { message: 'give exactly one of data.phantom (a phantom folder), data.subjects (a list of files), data.bids (a BIDS folder) and data.datalist (a MONAI-style datalist JSON)' });

const unetSchema = z.strictObject({
  arch: z.literal('unet'),
  base: positiveInt.default(32),
  depth: z.number().int().min(1).max(6).default(4),
  norm: z.enum(['instance', 'batch', 'none']).default('instance'),
});
const resnetSchema = z.strictObject({
  arch: z.literal('resnet'),
  ngf: positiveInt.default(32),
  blocks: z.number().int().min(1).max(16).default(9),
  norm: z.enum(['instance', 'batch', 'none']).default('instance'),
});
/**
 * CycleGAN (synthesis/cycle_gan.ts): two ResNet generators and two PatchGANs (the discriminator
 * section), LSGAN, cycle weight `cycle`, identity weight `identity` (relative to cycle), an image
 * pool of `pool`. Its losses are these; the loss section does not apply. Needs data.unpaired.
 */
const cycleganSchema = z.strictObject({
  arch: z.literal('cyclegan'),
  ngf: positiveInt.default(32),
  blocks: z.number().int().min(1).max(16).default(6),
  norm: z.enum(['instance', 'batch', 'none']).default('instance'),
  cycle: weight.default(10),
  identity: weight.default(0.5),
  pool: z.number().int().min(0).default(50),
});
const forestSchema = z.strictObject({
  arch: z.literal('forest'),
  trees: positiveInt.default(30),
  maxDepth: positiveInt.default(16),
  minLeaf: positiveInt.default(5),
  /** Training voxels drawn from the head masks. */
  samples: positiveInt.default(100000),
});
/** Coupled dictionaries (baseline/dictionary_synthesis.ts). */
const dictionarySchema = z.strictObject({
  arch: z.literal('dictionary'),
  atoms: positiveInt.default(512),
  sparsity: positiveInt.default(5),
  /** Patch side, odd. */
  patch: positiveInt.default(5),
  /** K-SVD rounds. */
  iterations: positiveInt.default(10),
  /** Training patches drawn from the head masks. */
  samples: positiveInt.default(20000),
  /** Grid step of the synthesis patches. */
  stride: positiveInt.default(2),
});

const lossSchema = z.strictObject({
  l1: weight.default(0),
  mse: weight.default(0),
  ssim: weight.default(0),
  msSsim: weight.default(0),
  adversarial: z.strictObject({ kind: z.enum(['vanilla', 'lsgan']).default('vanilla'), weight: weight.default(1) }).optional(),
  featureMatching: weight.default(0),
  perceptual: weight.default(0),
});

/** The PatchGAN of adversarial / feature-matching losses (nLayers 3: 70×70 receptive field). */
const discriminatorSchema = z.strictObject({
  ndf: positiveInt.default(64),
  nLayers: z.number().int().min(1).max(5).default(3),
  norm: z.enum(['batch', 'instance', 'none']).default('batch'),
});

/** The segmenter F of task terms and of the task score (trained on real target slices). */
const segmenterSchema = z.strictObject({
  steps: positiveInt.default(300),
  batchSize: positiveInt.default(8),
  base: positiveInt.default(16),
  depth: z.number().int().min(1).max(5).default(3),
  lr: z.number().positive().default(1e-3),
  seed: z.number().int().default(7),
});

/**
 * A task term D_t added to G's loss (task-oriented synthesis): 'supervised' (F(G(X)) against
 * the tissue labels), 'labelFree' (F(G(X)) against F(Y)), 'feature' (F's features of G(X) and
 * Y at a 'shallow' or 'deep' layer), 'huThreshold' (soft HU classes, MR → CT; no F). F is
 * frozen after pre-training on real target slices, or trained jointly with G (`joint`).
 */
const taskSchema = z.strictObject({
  kind: z.enum(['supervised', 'labelFree', 'feature', 'huThreshold']),
  weight: z.number().positive().default(1),
  depth: z.enum(['shallow', 'deep']).default('deep'),
  joint: z.boolean().default(false),
  segmenter: segmenterSchema.prefault({}),
});

/** Extra scores of the test subjects. */
const evaluationSchema = z.strictObject({
  /** Dice of a segmenter trained on real target slices, applied to synthetic ones (needs labels). */
  taskDice: z.boolean().default(false),
  /** MR → CT: agreement of hard HU classes (air, fat, soft tissue, bone) inside the head. */
  huClasses: z.boolean().default(false),
  segmenter: segmenterSchema.prefault({ seed: 11 }),
});

const trainSchema = z.strictObject({
  steps: positiveInt.default(2000),
  batchSize: positiveInt.default(8),
  lr: z.number().positive().default(2e-4),
  /**
   * The learning rate over the steps: 'constant', 'linear' (pix2pix: constant for the first
   * half, then linearly to 0) or 'cosine' (to 0 at the last step).
   */
  schedule: z.enum(['constant', 'linear', 'cosine']).default('constant'),
  beta1: z.number().min(0).max(1).default(0.5),
  seed: z.number().int().default(1),
  checkpointEvery: positiveInt.default(500),
  /** Write sample PNGs (source | prediction | target) and validation metrics every N steps. */
  sampleEvery: positiveInt.default(250),
});

export const trainConfigSchema = z.strictObject({
  data: dataSchema,
  model: z.discriminatedUnion('arch', [unetSchema, resnetSchema, cycleganSchema, forestSchema, dictionarySchema]),
  loss: lossSchema.prefault({ l1: 1 }),
  discriminator: discriminatorSchema.prefault({}),
  task: taskSchema.optional(),
  evaluation: evaluationSchema.prefault({}),
  /**
   * How the network predicts slices, in validation, test scores and later `predict`: whole
   * slices (default), or `window` x `window` windows with Gaussian blending (sliding-window
   * inference), which shows a patch-trained network what it was trained on; `mirror` averages
   * each prediction with that of the left-right mirrored input (test-time augmentation).
   */
  inference: z.strictObject({ window: positiveInt.optional(), overlap: z.number().min(0).lt(1).default(0.25), mirror: z.boolean().default(false) }).prefault({}),
  train: trainSchema.prefault({}),
  /** Output folder: the model, checkpoints, samples, logs. */
  out: z.string().min(1),
});

export type TrainConfig = z.infer<typeof trainConfigSchema>;
export type SubjectConfig = z.infer<typeof subjectSchema>;
export type LossWeights = z.infer<typeof lossSchema>;
export type TaskConfig = z.infer<typeof taskSchema>;
export type SegmenterSettings = z.infer<typeof segmenterSchema>;
export type GeneratorArch = z.infer<typeof unetSchema> | z.infer<typeof resnetSchema> | z.infer<typeof cycleganSchema>;

function resolvePaths(config: TrainConfig, base: string): TrainConfig {
  const at = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const d = config.data;
  return {
    ...config,
    out: at(config.out),
    data: {
      ...d,
      ...(d.phantom ? { phantom: at(d.phantom) } : {}),
      ...(d.bids ? { bids: typeof d.bids === 'string' ? at(d.bids) : { ...d.bids, dir: at(d.bids.dir) } } : {}),
      ...(d.datalist ? { datalist: at(d.datalist) } : {}),
      ...(d.subjects ? { subjects: d.subjects.map((s) => ({ ...s, source: s.source.map(at), target: at(s.target), ...(s.mask ? { mask: at(s.mask) } : {}) })) } : {}),
    },
  };
}

function checkConsistency(config: TrainConfig, source: string): TrainConfig {
  const weights = config.loss;
  const anyLoss = weights.l1 + weights.mse + weights.ssim + weights.msSsim + weights.featureMatching + weights.perceptual + (weights.adversarial?.weight ?? 0);
  const traditional = config.model.arch === 'forest' || config.model.arch === 'dictionary';
  if (!traditional && !(anyLoss > 0)) throw new ConfigError(`${source}: loss: every weight is 0; set e.g. "loss": { "l1": 1 }`, 'loss');
  if (config.task && traditional) throw new ConfigError(`${source}: task: task terms train a generator network; model.arch '${config.model.arch}' has none`, 'task');
  if (config.task?.kind === 'huThreshold' && modalityKindOf(config.data.target) !== 'ct') throw new ConfigError(`${source}: task.kind 'huThreshold' needs a CT target (data.target is '${config.data.target}')`, 'task.kind');
  const cyclegan = config.model.arch === 'cyclegan';
  if (cyclegan && !config.data.unpaired) throw new ConfigError(`${source}: model.arch 'cyclegan' trains from unpaired images; set "data": { "unpaired": true, ... } (use pix2pix, a resnet or unet with an adversarial loss, for paired images)`, 'data.unpaired');
  if (config.data.unpaired && !cyclegan) throw new ConfigError(`${source}: data.unpaired needs model.arch 'cyclegan' (the other models learn from pairs)`, 'data.unpaired');
  if (cyclegan && config.data.context > 0) throw new ConfigError(`${source}: model.arch 'cyclegan' maps one slice to one slice; set data.context to 0`, 'data.context');
  if (cyclegan && config.task) throw new ConfigError(`${source}: task terms are not available with model.arch 'cyclegan'`, 'task');
  if (config.model.arch === 'cyclegan' && config.model.identity > 0 && config.data.source.length !== 1) throw new ConfigError(`${source}: the identity term needs as many source modalities as targets (1); set model.identity to 0`, 'model.identity');
  if (weights.featureMatching > 0 && !weights.adversarial) throw new ConfigError(`${source}: loss.featureMatching needs a discriminator; add "adversarial": { "kind": "vanilla", "weight": 1 }`, 'loss.featureMatching');
  for (const s of config.data.subjects ?? []) {
    if (s.source.length !== config.data.source.length) throw new ConfigError(`${source}: data.subjects (${s.id}).source has ${s.source.length} files but data.source names ${config.data.source.length} modalities`, 'data.subjects');
  }
  return config;
}

/** Validates a config object (e.g. built in code); `base` resolves relative paths. */
export function parseTrainConfig(value: unknown, base = process.cwd(), source = 'config'): TrainConfig {
  return checkConsistency(resolvePaths(parseConfig(trainConfigSchema, value, source), base), source);
}

/** Reads and validates a config file. */
export async function loadTrainConfig(path: string): Promise<TrainConfig> {
  return checkConsistency(resolvePaths(await loadConfig(trainConfigSchema, path), dirname(resolve(path))), path);
}
