/**
 * @lacuna/epropnp: end-to-end probabilistic Perspective-n-Points (Chen et al., CVPR 2022).
 * A weighted PnP solver (Levenberg-Marquardt with EPnP or random-sample initialisation) whose
 * output is a pose distribution, the Monte Carlo pose loss estimated by AMIS, derivative
 * regularisation, and a TensorFlow.js layer that trains networks end to end through them.
 */

// Geometry: cameras, rotations, OpenCV conventions.
export { makeCamera, projectPoints, poseRotation, LINEMOD_INTRINSICS } from './geometry/camera.js';
export type { Camera, CameraOptions, Intrinsics } from './geometry/camera.js';
export { quaternionToMatrix, matrixToQuaternion, yawToMatrix, normalizeQuaternion, quaternionTangent, quaternionAngleDeg, rotationAngleDeg } from './geometry/rotation.js';
export { rvecToMatrix, matrixToRvec, poseToRvecTvec, poseFromRvecTvec } from './geometry/rodrigues.js';
export { addPoseStep, poseLength } from './geometry/pose_step.js';
// Problems and cost.
export { makePnPBatch, describeStatus, assertSolvable } from './problem/pnp_batch.js';
export type { PnPBatch, PnPBatchInput, ProblemStatus, Dof } from './problem/pnp_batch.js';
export { costAt } from './cost/reprojection.js';
export { DEFAULT_RELATIVE_DELTA } from './cost/huber.js';
// Solvers.
export { solvePnP, solvePnPBatch, poseFromRt } from './solver/solve_pnp.js';
export type { SolveOptions, PnPSolution, SolvePnPResult, InitMethod } from './solver/solve_pnp.js';
export { fitQuality, POOR_FIT_NOISE } from './solver/fit_quality.js';
export type { FitQuality } from './solver/fit_quality.js';
export { levenbergMarquardt, gaussNewtonStep, LM_DEFAULTS } from './solver/levenberg_marquardt.js';
export type { LMOptions } from './solver/levenberg_marquardt.js';
export { epnpPose } from './solver/epnp.js';
export { randomSampleInit, RANDOM_SAMPLE_INIT_DEFAULTS } from './solver/random_sample_init.js';
export type { RandomSampleInitOptions } from './solver/random_sample_init.js';
// Monte Carlo pose loss.
export { amis, AMIS_DEFAULTS } from './monte_carlo/amis.js';
export type { AmisOptions, AmisResult, LogTargetFn } from './monte_carlo/amis.js';
export { monteCarloPoseLoss, monteCarloPoseLossGradient, MONTE_CARLO_SOLVE_DEFAULTS } from './monte_carlo/pose_loss.js';
export type { MonteCarloOptions, MonteCarloForward, MonteCarloGradient } from './monte_carlo/pose_loss.js';
// TensorFlow.js layer.
export { EProPnP } from './layer/epropnp.js';
export type { EProPnPOptions, MonteCarloOutputs } from './layer/epropnp.js';
export { derivativeRegularisation } from './layer/derivative_regularisation.js';
export type { DerivativeRegularisation, DerivativeRegularisationOptions } from './layer/derivative_regularisation.js';
export { solveBatched } from './layer/batched_solve.js';
// Rendered LineMOD-style data: renderer, data sets, the correspondence network, metrics.
export * from './render/index.js';
export * from './dataset/index.js';
export * from './network/index.js';
export * from './evaluation/index.js';
// Training and evaluation workflow.
export { poseTrainConfigSchema, parsePoseTrainConfig, loadPoseTrainConfig, variantTerms, VARIANTS } from './workflow/pose_train_config.js';
export type { PoseTrainConfig, Variant } from './workflow/pose_train_config.js';
export { trainPose, trainingData } from './workflow/train_pose.js';
export type { TrainPoseOptions, TrainPoseResult } from './workflow/train_pose.js';
export { evaluatePoseNet } from './workflow/evaluate_pose.js';
export type { PoseScores } from './workflow/evaluate_pose.js';
export { estimatePoses, cropCameras } from './workflow/estimate_pose.js';
export type { EstimateOptions, PoseEstimates } from './workflow/estimate_pose.js';
export { savePoseModel, loadPoseModel, POSE_MODEL_FORMAT } from './workflow/pose_model.js';
export type { PoseModelMeta, LoadedPoseModel } from './workflow/pose_model.js';
export { poseDistribution } from './workflow/pose_distribution.js';
export type { PoseDistribution } from './workflow/pose_distribution.js';
export { correspondencePicture, poseSamplesPicture, orientationProfile, barChart, enlarge } from './workflow/pose_pictures.js';
export type { RgbImage } from './workflow/pose_pictures.js';
export { softmax, logMeanExp } from './monte_carlo/pose_loss.js';
