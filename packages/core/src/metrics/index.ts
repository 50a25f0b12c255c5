/**
 * Metrics on tfjs tensors. Each returns per-sample values [B] (dice: [B, K]); reduce them
 * over a data set with `Cumulative`. mae, mse, ssim and msSsim are differentiable, so
 * losses such as `1 − ssim` can be built on them.
 */
export { mae, mse } from './mean_error.js';
export { psnr } from './psnr.js';
export type { PsnrOptions } from './psnr.js';
export { ssim, ssimMap, gaussianWindow } from './ssim.js';
export type { SsimOptions } from './ssim.js';
export { msSsim, MS_SSIM_WEIGHTS } from './ms_ssim.js';
export type { MsSsimOptions } from './ms_ssim.js';
export { dice } from './dice.js';
export type { DiceOptions } from './dice.js';
export { accuracy } from './accuracy.js';
export { confusionMatrix } from './confusion_matrix.js';
export { Cumulative } from './cumulative.js';
export type { Reduction } from './cumulative.js';
export { auc } from './auc.js';
