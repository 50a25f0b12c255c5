/**
 * The config of `lacuna epropnp train`: which object and data, which training variant, how
 * long. Validated with zod; every problem is reported with its field path.
 *
 * Variants (EPro-PnP's Table 1 ablation, on our rendered set):
 *   A  coordinate regression + mask (a CDPN-style surrogate loss); PnP only at test time
 *   B  the Monte Carlo pose loss alone
 *   C  B + derivative regularisation
 *   D  C + coordinate regression
 *
 * Example: { "object": "bunny", "variant": "C", "train": { "steps": 1500 }, "out": "runs/bunny_C" }
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { loadConfig, parseConfig, z } from '@lacuna/core';
import { OBJECT_NAMES } from '../render/objects.js';

export const VARIANTS = ['A', 'B', 'C', 'D'] as const;
export type Variant = (typeof VARIANTS)[number];

const positiveInt = z.number().int().positive();
const weight = z.number().nonnegative();

export const poseTrainConfigSchema = z.strictObject({
  /** The object to render (default bunny); with data.file, the file's object (an error when they differ). */
  object: z.enum(OBJECT_NAMES as unknown as [string, ...string[]]).optional(),
  variant: z.enum(VARIANTS).default('C'),
  data: z.strictObject({
    /** A data set file written by `lacuna epropnp render`, or a BOP data set folder; otherwise samples are rendered in memory. */
    file: z.string().min(1).optional(),
    /** With a BOP folder: the split folder and the object id (default: the only one); the crop side for BOP and rendered data. */
    split: z.string().min(1).default('train'),
    objId: z.number().int().positive().optional(),
    cropSize: z.number().int().min(8).default(64),
    /**
     * The object's symmetry, replacing what the data say (none, discrete:AXIS:ORDER or
     * continuous:AXIS): for BOP sets whose models_info lacks the symmetry fields.
     */
    symmetry: z.string().min(1).optional(),
    /** Samples rendered for training when no file is given. */
    train: positiveInt.default(2000),
    seed: z.number().int().nonnegative().default(1),
    /** 'sphere': any orientation; 'upper': views from above the object's equator (LineMOD-like). */
    views: z.enum(['sphere', 'upper']).default('upper'),
  }).prefault({}),
  model: z.strictObject({
    /** Channels of the first block. */
    width: positiveInt.default(16),
    /** Output map side: the crop size or half of it. */
    outputSize: positiveInt.default(32),
    /**
     * Correspondence hypotheses per output pixel (1-4; default 1): K object coordinates with
     * their own weights at each pixel, so one crop can support several poses (a symmetric
     * object's readings) and the Monte Carlo loss can learn a multi-modal p(y | X).
     */
    hypotheses: z.number().int().min(1).max(4).default(1),
  }).prefault({}),
  train: z.strictObject({
    steps: positiveInt.default(1500),
    batchSize: positiveInt.default(16),
    lr: z.number().positive().default(1e-3),
    /** Correspondences per sample for the Monte Carlo loss (EPro-PnP: 1/8 of the pixels). */
    points: positiveInt.default(128),
    seed: z.number().int().nonnegative().default(1),
    checkpointEvery: positiveInt.default(250),
    /**
     * For a symmetric object (its data set's symmetry: BOP's models_info fields, or render
     * --symmetry), train against the symmetric reading of the ground truth nearest to the
     * prediction. Default true.
     */
    symmetryAware: z.boolean().default(true),
    /**
     * Start from the weights of this model folder (e.g. a coordinate-regression run), as
     * EPro-PnP's epropnp_cdpn_init config starts from a trained CDPN.
     */
    init: z.string().min(1).optional(),
    /**
     * With `init` from a one-hypothesis model into several hypotheses: 'copy' starts every
     * hypothesis as the model's; 'symmetric' starts hypothesis k as the k-th symmetric reading of
     * it (a discrete symmetry about the object's x, y or z axis), so training starts from all the
     * readings and the loss decides what to keep. Default 'copy'.
     */
    initHypotheses: z.enum(['copy', 'symmetric']).default('copy'),
    /**
     * The reprojection cost's robust kernel in the Monte Carlo loss, the derivative
     * regularisation and the model's test-time solver: EPro-PnP's 'huber' (default), or
     * 'cauchy', whose cost flattens for far points so that several hypotheses per pixel can
     * hold separate poses (a symmetric object's readings) instead of one pose between them.
     */
    kernel: z.enum(['huber', 'cauchy']).default('huber'),
  }).prefault({}),
  /** Loss weights; the variant decides which terms are on (EPro-PnP's values). */
  loss: z.strictObject({
    coord: weight.default(1),
    mask: weight.default(1),
    mc: weight.default(0.02),
    t: weight.default(0.1),
    r: weight.default(0.1),
  }).prefault({}),
  /** Monte Carlo samples of the pose loss during training. */
  mcSamples: positiveInt.default(512),
  out: z.string().min(1),
});

export type PoseTrainConfig = z.infer<typeof poseTrainConfigSchema>;

/** Which loss terms a variant trains with. */
export function variantTerms(variant: Variant): { coord: boolean; mask: boolean; mc: boolean; derivReg: boolean } {
  return {
    coord: variant === 'A' || variant === 'D',
    mask: variant === 'A',
    mc: variant !== 'A',
    derivReg: variant === 'C' || variant === 'D',
  };
}

/** Validates a config object; relative paths resolve against `baseDir`. */
export function parsePoseTrainConfig(value: unknown, source = 'config', baseDir = process.cwd()): PoseTrainConfig {
  const c = parseConfig(poseTrainConfigSchema, value, source);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  return {
    ...c,
    out: abs(c.out),
    data: { ...c.data, ...(c.data.file ? { file: abs(c.data.file) } : {}) },
    train: { ...c.train, ...(c.train.init ? { init: abs(c.train.init) } : {}) },
  };
}

/** Reads and validates a config file. */
export async function loadPoseTrainConfig(path: string): Promise<PoseTrainConfig> {
  const raw = await loadConfig(z.unknown(), path);
  return parsePoseTrainConfig(raw, path, dirname(resolve(path)));
}
