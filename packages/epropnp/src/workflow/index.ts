/** Using the correspondence network: poses, pose distributions, pictures (training, configs and model folders: node.ts). */
export type { PoseTrainConfig, Variant } from './pose_train_config.js';
export type { TrainPoseOptions, TrainPoseResult } from './train_pose.js';
export { evaluatePoseNet } from './evaluate_pose.js';
export type { PoseScores } from './evaluate_pose.js';
export { estimatePoses, cropCameras } from './estimate_pose.js';
export { estimatePose, estimateCropPoses } from './estimate_pose_api.js';
export type { PoseImage, EstimatePoseOptions, PoseEstimate } from './estimate_pose_api.js';
export type { EstimateOptions, PoseEstimates } from './estimate_pose.js';
export { openPoseModel, POSE_MODEL_FORMAT, POSE_MODEL_FOLDER } from './pose_model.js';
export type { PoseModelMeta, LoadedPoseModel } from './pose_model.js';
export { poseDistribution, densityPeaks, multiModePoseSamples } from './pose_distribution.js';
export type { PoseDistribution } from './pose_distribution.js';
export { symmetricPoseExample } from './symmetric_example.js';
export type { SymmetricCase, SymmetricExampleOptions } from './symmetric_example.js';
export { correspondencePicture, poseSamplesPicture, predictionPicture, orientationProfile, barChart, enlarge } from './pose_pictures.js';
export type { RgbImage } from './pose_pictures.js';
export { trainedPoseExample } from './trained_pose_example.js';
export type { TrainedPoseExample, TrainedPoseCase, TrainedPoseExampleOptions } from './trained_pose_example.js';
