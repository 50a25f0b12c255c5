/** Losses every system shares: binary and softmax cross-entropy, KL divergence, soft Dice. */
export { bceWithLogits } from './binary_cross_entropy.js';
export { crossEntropy } from './cross_entropy.js';
export type { CrossEntropyOptions } from './cross_entropy.js';
export { klDivergence } from './kl_divergence.js';
export { softDiceLoss } from './soft_dice.js';
