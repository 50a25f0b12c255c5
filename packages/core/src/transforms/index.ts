/** Geometric transforms of volumes through their affines: orientation codes, reorientation, resampling. */
export { axisMap, axisCodes, parseAxisCodes, reorient, multiply4 } from './orientation.js';
export type { AxisMap } from './orientation.js';
export { invertAffine, resampleToGrid, resampleToSpacing, gridWithSpacing } from './resample.js';
export type { Grid, InterpolationMode, ResampleOptions } from './resample.js';
