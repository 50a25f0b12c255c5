/** Task models F (the tissue segmenter, HU classes) for task-oriented synthesis; their loss terms D_t are in `losses`. */
export { buildSegmenter, trainSegmenter, segmentationDice, predictSegmentation, segmenterFeatureLayer, SEGMENTER_FEATURE_SUFFIX, FEATURE_DEPTHS } from './segmenter.js';
export type { SegmenterConfig, TrainSegmenterOptions, FeatureDepth } from './segmenter.js';
export { labelIds, labelTensor, classCountOf } from './seg_labels.js';
export { PHANTOM_SEG_CLASSES, SEG_CLASS_NAMES, phantomSegLabels } from './phantom_seg_classes.js';
export { huSoftClasses, huThresholdLoss, normalisedToHu, HU_CLASSES, HU_THRESHOLDS, DEFAULT_CT_WINDOW, DEFAULT_HU_TAU } from './hu_classes.js';
export type { HuClassOptions } from './hu_classes.js';
