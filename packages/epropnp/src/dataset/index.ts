/** The rendered LineMOD-style data set: samples, in-memory data sets, the file format, previews. */
export { randomPose } from './random_pose.js';
export type { PoseSamplingOptions } from './random_pose.js';
export { renderSample } from './render_sample.js';
export type { PoseSample, SampleOptions, ZoomInOptions } from './render_sample.js';
export { renderDataset, sampleRandom, datasetSample } from './pose_dataset.js';
export type { PoseDataset, RenderDatasetOptions } from './pose_dataset.js';
export { decodeDataset, encodeDataset } from './dataset_file.js';
export { previewSheet } from './preview.js';
export { datasetBatch } from './batch.js';
export type { PoseBatch } from './batch.js';
export { renderFrame, maskBox } from './render_frame.js';
export type { FrameOptions, FrameSample } from './render_frame.js';
export { poseToBop, poseFromBop, bopModelInfo, symmetryFromBop, bopResultsCsv, bopId } from './bop.js';
export type { BopGt, BopGtInfo, BopModelInfo } from './bop.js';
