/** The loss terms of source training, distillation and fine-tuning. */
export { entropy, informationMaximisation, ENTROPY_EPSILON } from './entropy.js';
export { klDivergence } from './kl_divergence.js';
export { mixBatch } from './mixup.js';
export type { MixedBatch } from './mixup.js';
export { smoothedCrossEntropy } from './smoothed_cross_entropy.js';
