/** Losses for image synthesis: pixel, structural, adversarial, feature-matching and perceptual. */
export { l1Loss, mseLoss } from './reconstruction.js';
export type { PixelLossOptions } from './reconstruction.js';
export { ssimLoss, msSsimLoss, msSsimScalesThatFit } from './structural.js';
export type { StructuralLossOptions, MsSsimLossOptions } from './structural.js';
export { ganLoss, bceWithLogits, GAN_LOSS_KINDS } from './adversarial.js';
export type { GanLossKind } from './adversarial.js';
export { featureMatchingLoss } from './feature_matching.js';
export { perceptualLoss } from './perceptual.js';
export { stopGradient } from '@lacuna/core';
export { maskedMean } from './masked_mean.js';
