/** The TensorFlow.js layer: the Monte Carlo loss as a custom-gradient op, derivative regularisation. */
export { EProPnP } from './epropnp.js';
export type { EProPnPOptions, MonteCarloOutputs } from './epropnp.js';
export { derivativeRegularisation } from './derivative_regularisation.js';
export type { DerivativeRegularisation, DerivativeRegularisationOptions } from './derivative_regularisation.js';
export { solveBatched } from './batched_solve.js';
