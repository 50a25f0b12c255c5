/**
 * DINE's own loss terms: entropy and information maximisation, MixUp batches. Source training
 * (cross-entropy with label smoothing 0.1) and distillation (KL to the teachers' memory) use
 * core's `losses.crossEntropy` and `losses.klDivergence`.
 */
export { entropy, informationMaximisation, ENTROPY_EPSILON } from './entropy.js';
export { mixBatch } from './mixup.js';
export type { MixedBatch } from './mixup.js';
