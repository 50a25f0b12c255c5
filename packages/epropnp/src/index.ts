/**
 * @lacuna/epropnp: end-to-end probabilistic Perspective-n-Points (Chen et al., CVPR 2022).
 * A weighted PnP solver (Levenberg-Marquardt with EPnP or random-sample initialisation) whose
 * output is a pose distribution, the Monte Carlo pose loss estimated by AMIS, derivative
 * regularisation, and a TensorFlow.js layer that trains networks end to end through them.
 *
 * The solver, the layer and the main workflows are at the top level; the rest is grouped by
 * concept, one namespace per folder: `geometry`, `problem`, `solver`, `monteCarlo` (AMIS), `losses`, `layer`,
 * `render`, `dataset`, `network`, `evaluation`, `workflow`, `detection`. The Table 1 ablation is in
 * `@lacuna/epropnp/experiments`.
 */

// PnP and the EPro-PnP layer.
export { solvePnP, solvePnPBatch } from './solver/solve_pnp.js';
export { solvePnPRansac } from './solver/ransac.js';
export type { RansacOptions, RansacResult } from './solver/ransac.js';
export type { SolveOptions, PnPSolution, SolvePnPResult } from './solver/solve_pnp.js';
export { makePnPBatch } from './problem/pnp_batch.js';
export type { PnPBatch, ProblemStatus } from './problem/pnp_batch.js';
export { makeCamera, LINEMOD_INTRINSICS } from './geometry/camera.js';
export type { Camera, Intrinsics } from './geometry/camera.js';
export { EProPnP } from './layer/epropnp.js';
export type { EProPnPOptions } from './layer/epropnp.js';
export { monteCarloPoseLoss } from './losses/monte_carlo_loss.js';
// Render a data set, train the correspondence network through the layer, evaluate, predict.
export { renderDataset } from './dataset/pose_dataset.js';
export type { PoseDataset } from './dataset/pose_dataset.js';
export type { ObjectName } from './render/objects.js';
export type { PoseTrainConfig, Variant } from './workflow/pose_train_config.js';
export { evaluatePoseNet } from './workflow/evaluate_pose.js';
export { estimatePoses } from './workflow/estimate_pose.js';
export { estimatePose } from './workflow/estimate_pose_api.js';
export type { PoseImage, EstimatePoseOptions, PoseEstimate } from './workflow/estimate_pose_api.js';
export { openPoseModel } from './workflow/pose_model.js';
export type { LoadedPoseModel, PoseModelMeta } from './workflow/pose_model.js';
export { poseDistribution } from './workflow/pose_distribution.js';

export * as geometry from './geometry/index.js';
export * as problem from './problem/index.js';
export * as solver from './solver/index.js';
export * as monteCarlo from './monte_carlo/index.js';
export * as losses from './losses/index.js';
export * as layer from './layer/index.js';
export * as render from './render/index.js';
export * as dataset from './dataset/index.js';
export * as network from './network/index.js';
export * as evaluation from './evaluation/index.js';
export * as workflow from './workflow/index.js';
/** 3-D detection in driving-like scenes: boxes and nuScenes-style metrics. */
export * as detection from './detection/index.js';
