/** The traditional baselines: patch-based random-forest regression (Jog et al. 2017, REPLICA) and coupled dictionaries (sparse coding, K-SVD). */
export { ForestSynthesisModel, fitForestSynthesis } from './forest_synthesis.js';
export type { ForestSynthesisJSON, ForestSynthesisOptions } from './forest_synthesis.js';
export { RegressionForest, binEdges, binFeatures, fitRegressionForest } from './regression_forest.js';
export type { BinnedFeatures, RegressionForestJSON, RegressionForestOptions } from './regression_forest.js';
export {
  CONTEXT_DIRECTIONS,
  featureCount,
  featureNames,
  integralImages,
  resolveFeatureOptions,
  sliceFeatures,
  stackFeatures,
} from './patch_features.js';
export type { PatchFeatureOptions, ResolvedPatchFeatureOptions } from './patch_features.js';
export { DictionarySynthesisModel, fitDictionarySynthesis } from './dictionary_synthesis.js';
export type { DictionarySynthesisJSON, DictionarySynthesisOptions } from './dictionary_synthesis.js';
export { omp, ksvd, normaliseAtoms } from './sparse_coding.js';
export type { SparseCode, KsvdOptions } from './sparse_coding.js';
