/**
 * @lacuna/medsynth: cross-modality medical image synthesis — a simulated multi-modal brain
 * phantom, paired-volume data pipeline, a patch-based random-forest baseline, U-Net / ResNet
 * generators and pix2pix-style conditional GANs, and task-oriented synthesis.
 *
 * The main workflows are at the top level; the rest is grouped by concept, one namespace per
 * folder: `data`, `phantom`, `baseline`, `synthesis` (networks and the training step),
 * `losses`, `task`, `evaluation`, `workflow`. The missing-modality diagnosis experiment is in
 * `@lacuna/medsynth/experiments`.
 */

// Train a synthesis model from a config, load it, predict whole volumes, score them.
export type { TrainConfig } from './workflow/train_config.js';
export type { TrainSynthesisOptions, TrainSynthesisResult } from './workflow/train_synthesis.js';
export { openSynthesisModel } from './workflow/model_bundle.js';
export type { LoadedSynthesisModel } from './workflow/model_bundle.js';
export { synthesizeVolume } from './workflow/predict_volume.js';
export type { SynthesisModelInfo } from './workflow/predict_volume.js';
export { synthesisMetrics } from './evaluation/synthesis_metrics.js';
export type { SynthesisScores, VolumeScores } from './evaluation/synthesis_metrics.js';
// The simulated cohort, and the pix2pix training step for your own loops.
export type { PhantomCohortOptions } from './phantom/index.js';
export { SynthesisTrainer, buildGenerator, buildDiscriminator } from './synthesis/index.js';
export type { SynthesisTrainerOptions } from './synthesis/index.js';

export * as data from './data/index.js';
export * as phantom from './phantom/index.js';
export * as baseline from './baseline/index.js';
export * as synthesis from './synthesis/index.js';
export * as losses from './losses/index.js';
export * as task from './task/index.js';
export * as evaluation from './evaluation/index.js';
export * as workflow from './workflow/index.js';
/** Rigid registration with elastix; in a browser its pipelines load from the app's own files (registerRigid's pipelinesBaseUrl). */
export * as registration from './registration/index.js';
