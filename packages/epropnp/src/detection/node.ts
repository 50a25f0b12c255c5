/** Detection under Node: everything in index.ts, plus scene sets on disk and training. */
export * from './index.js';
export { writeSceneSet, openSceneSet, SCENE_SET_FORMAT } from './scene_files.js';
export type { WriteScenesOptions, SceneSet, SceneTruth } from './scene_files.js';
export { trainDetector, evaluateDetector, verticalWeights, x3dSpread, loadDetector, renderDetectionData, loadDetectionData } from './train_detector.js';
export type { TrainDetectorOptions, TrainDetectorResult, DetectionData } from './train_detector.js';
