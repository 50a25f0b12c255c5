/**
 * @lacuna/epropnp under Node (the `node` export condition, or `@lacuna/epropnp/node`): everything
 * in index.ts, plus data set files, training configs, training, and model folders.
 */
export * from './index.js';
export { readDataset, writeDataset } from './dataset/dataset_files.js';
export { parsePoseTrainConfig, loadPoseTrainConfig } from './workflow/pose_train_config.js';
export { trainPose } from './workflow/train_pose.js';
export { loadPoseModel, savePoseModel } from './workflow/pose_model_folder.js';
export * as dataset from './dataset/node.js';
export * as render from './render/node.js';
export { readMesh } from './render/mesh_files.js';
export * as workflow from './workflow/node.js';
export * as detection from './detection/node.js';
