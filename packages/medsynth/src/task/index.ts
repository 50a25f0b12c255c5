/** Task models F and task-oriented terms for the generator (issue 4): segmenter, HU classes, D_t. */
export { buildSegmenter, trainSegmenter, segmentationDice, predictSegmentation, segmenterFeatureLayer, SEGMENTER_FEATURE_SUFFIX, FEATURE_DEPTHS } from './segmenter.js';
export type { SegmenterConfig, TrainSegmenterOptions, FeatureDepth } from './segmenter.js';
export { softmaxCrossEntropy, softDiceLoss, segmentationLoss, softTargetDivergence, DIVERGENCES } from './segmentation_loss.js';
export type { SegmentationLossOptions, Divergence } from './segmentation_loss.js';
export { labelIds, labelTensor, classCountOf } from './seg_labels.js';
export { PHANTOM_SEG_CLASSES, SEG_CLASS_NAMES, phantomSegLabels } from './phantom_seg_classes.js';
export { huSoftClasses, huThresholdLoss, normalisedToHu, HU_CLASSES, HU_THRESHOLDS, DEFAULT_CT_WINDOW, DEFAULT_HU_TAU } from './hu_classes.js';
export type { HuClassOptions } from './hu_classes.js';
export { taskTerm, supervisedTaskLoss, labelFreeTaskLoss, featureTaskLoss, taskFeatureModel, validateTaskTermConfig, termNeedsNet, TASK_TERM_KINDS, FEATURE_DISTANCES } from './task_terms.js';
export type { TaskTermConfig, TaskTermContext, TaskTermKind, FeatureDistance } from './task_terms.js';
