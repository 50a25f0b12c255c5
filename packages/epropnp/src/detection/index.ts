/**
 * Monocular 3-D detection in driving-like scenes: boxes on the ground, the scene renderer,
 * nuScenes-style metrics (mAP, ATE, ASE, AOE, NDS), and the direct (FCOS3D-style) detector.
 */
export { alignedIoU, boxCorners, groundDistance, objectToCamera, observationAngle, rangeOf, wrapAngle, yawDifference, yawFromObservation } from './box3d.js';
export type { Box3D, ScoredBox3D } from './box3d.js';
export { averagePrecision, detectionMetrics } from './detection_metrics.js';
export type { DetectionSample, DetectionMetricOptions, DetectionMetrics, TruePositiveErrors } from './detection_metrics.js';
export { renderScene, DRIVING_INTRINSICS, SCENE_WIDTH, SCENE_HEIGHT, CAMERA_HEIGHT } from './render_scene.js';
export type { Scene, SceneObject, SceneOptions } from './render_scene.js';
export { SCENE_CLASSES, HEADING_FREE_CLASSES, MEAN_SIZES } from './scene_objects.js';
export type { SceneClass } from './scene_objects.js';
export { buildDirectDetector, detectorForward, OUTPUT_STRIDE } from './direct_detector_net.js';
export type { DirectDetectorOptions } from './direct_detector_net.js';
export { denseTargets, projectBox } from './dense_targets.js';
export type { DenseTargets, TargetOptions } from './dense_targets.js';
export { detectorLoss, DEFAULT_LOSS_WEIGHTS } from './detector_loss.js';
export type { DetectorLossWeights } from './detector_loss.js';
export { decodeDetections, iou2d } from './decode_detections.js';
export type { DecodeOptions, Detection } from './decode_detections.js';
export { openDetector, detect, poseConfidence, DETECTOR_MODEL_FORMAT } from './detector_model.js';
export type { DetectOptions } from './detector_model.js';
export type { DetectorMeta, DetectorHead, LoadedDetector } from './detector_model.js';
export { detectionPicture } from './detection_picture.js';
export type { PictureOptions } from './detection_picture.js';
export { buildDeformableHead, deformableForward, basePattern, baseObjectCoordinates } from './deformable_head.js';
export type { DeformableHead, DeformableHeadOptions, DeformableQueries, DeformableOutputs } from './deformable_head.js';
export { bilinearSample } from './bilinear_sample.js';
export { correspondencePicture, distributionPicture, detectionPoseSamples, verticalWeightRatio } from './epropnp_pictures.js';
