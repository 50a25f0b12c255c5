/** Adaptive Multiple Importance Sampling (AMIS) over poses: the Monte Carlo estimator behind the pose loss. */
export { amis, AMIS_DEFAULTS } from './amis.js';
export type { AmisOptions, AmisResult, LogTargetFn } from './amis.js';
