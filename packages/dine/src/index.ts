/**
 * @lacuna/dine: black-box domain adaptation (DINE, Liang et al., CVPR 2022). A source model is
 * only a service returning class probabilities (`BlackBoxPredictor`: in-process, HTTP, or a
 * predictions file); a target network learns from those probabilities on unlabelled target
 * images by structural distillation (adaptive label smoothing, EMA memory, information
 * maximisation, MixUp), then fine-tunes by information maximisation. Baselines: No Adapt,
 * NLL-KL, HD-SHOT, SD-SHOT.
 *
 * The main workflows are at the top level; the rest is grouped by concept, one namespace per
 * folder: `data`, `blackBox`, `model`, `adaptation` (the adapt/ folder), `losses`.
 */

// Data in, a source model, a black box, adaptation, scores.
export { unlabelled, pngDigitSet } from './data/index.js';
export type { DigitSet, ImageBatch } from './data/index.js';
export { digitsNet, openDigitsNet, modelAccuracy, accuracyOf } from './model/index.js';
export type { DigitsArch } from './model/index.js';
export { ModelBlackBox, HttpBlackBox } from './black_box/index.js';
export type { BlackBoxPredictor } from './black_box/index.js';
export { adapt, queryTeachers } from './adapt/index.js';
export type { AdaptMethod, AdaptOptions, AdaptResult } from './adapt/index.js';

export * as data from './data/index.js';
export * as blackBox from './black_box/index.js';
export * as model from './model/index.js';
export * as adaptation from './adapt/index.js';
export * as losses from './losses/index.js';
