/** The workflow under Node: everything in index.ts, plus training configs, training and model folders. */
export * from './index.js';
export { poseTrainConfigSchema, parsePoseTrainConfig, loadPoseTrainConfig, variantTerms, VARIANTS } from './pose_train_config.js';
export { trainPose, trainingData } from './train_pose.js';
export { savePoseModel, loadPoseModel } from './pose_model_folder.js';
