/**
 * EPro-PnP's losses: the Monte Carlo pose loss (KL between the target pose and the predicted
 * pose distribution, estimated by AMIS) with its gradient, and the surrogate losses of the
 * correspondence network (coordinate L1 inside the mask, mask BCE). Derivative
 * regularisation is in `layer`.
 */
export { monteCarloPoseLoss, monteCarloPoseLossGradient, MONTE_CARLO_SOLVE_DEFAULTS, softmax, logMeanExp } from './monte_carlo_loss.js';
export type { MonteCarloOptions, MonteCarloForward, MonteCarloGradient } from './monte_carlo_loss.js';
export { coordinateL1, maskBce, targetsAtOutput } from './surrogate_losses.js';
export { nearestSymmetricTargets } from './symmetric_targets.js';
export type { SymmetricTargets } from './symmetric_targets.js';
