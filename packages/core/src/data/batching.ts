/**
 * Mini-batches of sample indices over one epoch, optionally shuffled by a seeded
 * {@link Random}. The order is drawn when `epochBatches` is called, so the generator's
 * state afterwards does not depend on how many batches the caller consumes (save the
 * state before the call to replay an epoch exactly).
 */
import { ValueError } from '../errors.js';
import type { Random } from './random.js';

export interface BatchOptions {
  /** Shuffle the indices with this generator (Fisher–Yates). Default: keep 0..n-1 in order. */
  readonly rng?: Random;
  /** Drop the last batch when it has fewer than `batchSize` indices. Default false. */
  readonly dropLast?: boolean;
}

/** Number of batches `epochBatches(n, batchSize, { dropLast })` yields. */
export function batchCount(n: number, batchSize: number, dropLast = false): number {
  checkArgs(n, batchSize, 'batchCount');
  return dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}

/**
 * Splits indices 0..n-1 (shuffled if `rng` is given) into consecutive batches of
 * `batchSize`; the last one is shorter unless `dropLast`. Each batch is a view into one
 * permutation array.
 */
export function epochBatches(n: number, batchSize: number, options: BatchOptions = {}): Int32Array[] {
  const count = batchCount(n, batchSize, options.dropLast);
  let order: Int32Array;
  if (options.rng) {
    order = options.rng.permutation(n);
  } else {
    order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
  }
  const batches: Int32Array[] = [];
  for (let k = 0; k < count; k++) batches.push(order.subarray(k * batchSize, Math.min(n, (k + 1) * batchSize)));
  return batches;
}

function checkArgs(n: number, batchSize: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) throw new ValueError(`${what}: n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ValueError(`${what}: batchSize must be a positive integer, got ${batchSize}`);
  }
}
