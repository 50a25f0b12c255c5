/**
 * @lacuna/epropnp/experiments: EPro-PnP's Table 1 ablation (variants A-D from one warm start)
 * on the rendered set (`npm run bench -- epropnp` runs it), and the synthetic problems and
 * OpenCV.js reference of `npm run bench -- pnp`.
 */
export { runVariantAblation } from './experiments/variant_ablation.js';
export type { VariantAblationOptions, AblationRow } from './experiments/variant_ablation.js';
// The benchmarks' and tests' problem generator and the OpenCV.js reference (its package,
// @techstark/opencv-js, is a development dependency: loadOpenCv requires it when called).
export { syntheticProblems, poseErrors, randomQuaternion } from './testing/synthetic_problems.js';
export type { SyntheticOptions, SyntheticProblems } from './testing/synthetic_problems.js';
export { loadOpenCv, solvePnPOpenCv, OPENCV_METHODS } from './testing/opencv.js';
export type { OpenCv, OpenCvMethod } from './testing/opencv.js';
