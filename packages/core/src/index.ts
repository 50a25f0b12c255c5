/**
 * @lacuna/core: the foundation the three Lacuna systems share — tensor backend selection and
 * kernels, network building blocks, the training loop, metrics, and data I/O.
 */
export * as tf from '@tensorflow/tfjs-core';
export { initBackend, backendInfo } from './backend/select.js';
export type { BackendInfo, BackendName, BackendOptions } from './backend/select.js';
export { LacunaError, ShapeError, ConfigError, IOError, ValueError } from './errors.js';
export { check, checkShape, checkFinite, lookUpOption } from './check.js';
export * as nn from './nn/index.js';
export * as data from './data/index.js';
