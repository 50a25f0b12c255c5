/**
 * @lacuna/core: the foundation the three Lacuna systems share — tensor backend selection and
 * kernels, network building blocks, the training loop, metrics, and data codecs.
 *
 * This entry runs anywhere (Node and browsers). Under Node, the package's `node` export
 * condition loads node.ts instead: the same API plus files (readNifti, checkpoints, model
 * folders, loadConfig) and Node's backend platform.
 */
// Every op's gradient and the chained tensor methods: tfjs-core alone registers neither.
import './tfjs_registrations.js';
export * as tf from '@tensorflow/tfjs-core';
/** TensorFlow.js layers (models built by `nn` are `tfl.LayersModel`s). */
export * as tfl from '@tensorflow/tfjs-layers';
export { initBackend, backendInfo } from './backend/select.js';
export type { BackendInfo, BackendName, BackendOptions, EngineName } from './backend/select.js';
export { LacunaError, ShapeError, ConfigError, IOError, ValueError } from './errors.js';
export { check, checkShape, checkSameShape, checkCount, checkFinite, lookUpOption } from './check.js';
export * as nn from './nn/index.js';
export * as data from './data/index.js';
export * as transforms from './transforms/index.js';
export * as metrics from './metrics/index.js';
export * as losses from './losses/index.js';
export * as train from './train/index.js';
export { parseConfig, z } from './config/parse_config.js';
export { stopGradient } from './ops/stop_gradient.js';
