/** 3-D detection in driving-like scenes: boxes on the ground and nuScenes-style metrics (mAP, ATE, ASE, AOE, NDS). */
export { alignedIoU, groundDistance, rangeOf, yawDifference } from './box3d.js';
export type { Box3D, ScoredBox3D } from './box3d.js';
export { averagePrecision, detectionMetrics } from './detection_metrics.js';
export type { DetectionSample, DetectionMetricOptions, DetectionMetrics, TruePositiveErrors } from './detection_metrics.js';
