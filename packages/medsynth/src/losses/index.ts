/**
 * medsynth's losses: for the generator, pixel (L1, MSE), structural (SSIM, MS-SSIM),
 * adversarial (pix2pix's GAN loss), feature matching and perceptual; for task-oriented
 * synthesis, the segmentation losses of F and the task terms D_t added to G's objective.
 * Cross-entropy, BCE, KL and soft Dice themselves are core's `losses`.
 */
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
export { softmaxCrossEntropy, softDiceLoss, segmentationLoss, softTargetDivergence, DIVERGENCES } from './segmentation_loss.js';
export type { SegmentationLossOptions, Divergence } from './segmentation_loss.js';
export { taskTerm, supervisedTaskLoss, labelFreeTaskLoss, featureTaskLoss, taskFeatureModel, validateTaskTermConfig, termNeedsNet, TASK_TERM_KINDS, FEATURE_DISTANCES } from './task_terms.js';
export type { TaskTermConfig, TaskTermContext, TaskTermKind, FeatureDistance } from './task_terms.js';
