/** The PnP solver: EPnP and random-sample initialisation, Levenberg-Marquardt, fit quality. */
export { solvePnP, solvePnPBatch, poseFromRt } from './solve_pnp.js';
export type { SolveOptions, PnPSolution, SolvePnPResult, InitMethod } from './solve_pnp.js';
export { fitQuality, POOR_FIT_NOISE } from './fit_quality.js';
export type { FitQuality } from './fit_quality.js';
export { levenbergMarquardt, gaussNewtonStep, LM_DEFAULTS } from './levenberg_marquardt.js';
export type { LMOptions } from './levenberg_marquardt.js';
export { epnpPose } from './epnp.js';
export { randomSampleInit, RANDOM_SAMPLE_INIT_DEFAULTS } from './random_sample_init.js';
export type { RandomSampleInitOptions } from './random_sample_init.js';
export { solvePnPRansac, reprojectionErrors } from './ransac.js';
export type { RansacOptions, RansacResult } from './ransac.js';
