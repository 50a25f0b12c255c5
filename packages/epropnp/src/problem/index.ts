/** Batches of weighted PnP problems, their degeneracy statuses, and the robust reprojection cost. */
export { makePnPBatch, describeStatus, assertSolvable } from './pnp_batch.js';
export type { PnPBatch, PnPBatchInput, ProblemStatus, Dof, RobustKernel } from './pnp_batch.js';
export { costAt } from '../cost/reprojection.js';
export { DEFAULT_RELATIVE_DELTA, MIN_SPREAD_OF_FOCAL } from '../cost/huber.js';
