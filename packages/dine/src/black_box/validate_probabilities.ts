/**
 * Checks a black box's answer before anything uses it: the right number of rows and columns,
 * finite non-negative values, rows summing to 1. A row off by at most `renormaliseTolerance`
 * (float drift, rounding in JSON) is divided by its sum and reported once through `warn`;
 * anything worse is an error naming the item (its index in the batch) and the black box.
 */
import { ValueError, checkCount } from '@lacuna/core';

export interface ValidateOptions {
  /** |Σ − 1| above this is an error. Default 1e-3. */
  readonly renormaliseTolerance?: number;
  /** Where the renormalisation warning goes. Default console.warn. */
  readonly warn?: (message: string) => void;
  /** The item number of each row in the caller's batch, for messages. Default: the row index. */
  readonly items?: ArrayLike<number>;
}

/** Rows as a typed array [count·K] or as a JS array of rows (parsed JSON) → validated [count, K] Float32Array. */
export function validateProbabilities(rows: ArrayLike<number> | readonly unknown[], count: number, numClasses: number, source: string, options: ValidateOptions = {}): Float32Array {
  const tol = options.renormaliseTolerance ?? 1e-3;
  const item = (i: number) => (options.items ? options.items[i]! : i);
  const out = new Float32Array(count * numClasses);
  if (Array.isArray(rows)) {
    // Parsed JSON: one array per image.
    checkCount(rows.length, count, () => `black box ${source}: returned ${rows.length} rows for ${count} images`);
    for (let i = 0; i < count; i++) {
      const row = (rows as readonly unknown[])[i];
      if (!Array.isArray(row)) throw new ValueError(`black box ${source}: item ${item(i)}: expected an array of ${numClasses} probabilities, got ${JSON.stringify(row)?.slice(0, 40)}`);
      checkCount(row.length, numClasses, () => `black box ${source}: item ${item(i)}: row has ${row.length} values, expected ${numClasses}`);
      for (let k = 0; k < numClasses; k++) out[i * numClasses + k] = typeof row[k] === 'number' ? row[k] : NaN;
    }
  } else {
    checkCount(rows.length, count * numClasses, () => `black box ${source}: returned ${rows.length} values for ${count} images of ${numClasses} classes`);
    for (let j = 0; j < rows.length; j++) out[j] = (rows as ArrayLike<number>)[j]!;
  }
  let renormalised = 0;
  let worst = 0;
  for (let i = 0; i < count; i++) {
    let sum = 0;
    for (let k = 0; k < numClasses; k++) {
      const v = out[i * numClasses + k]!;
      if (!Number.isFinite(v)) throw new ValueError(`black box ${source}: item ${item(i)}: class ${k} is ${v} (not a finite number)`);
      if (v < 0) throw new ValueError(`black box ${source}: item ${item(i)}: class ${k} has negative probability ${v}`);
      sum += v;
    }
    const drift = Math.abs(sum - 1);
    if (drift > tol) throw new ValueError(`black box ${source}: item ${item(i)}: probabilities sum to ${sum}, not 1`);
    if (drift > 1e-6) {
      for (let k = 0; k < numClasses; k++) out[i * numClasses + k]! /= sum;
      renormalised++;
      worst = Math.max(worst, drift);
    }
  }
  if (renormalised > 0) (options.warn ?? console.warn)(`black box ${source}: renormalised ${renormalised} of ${count} rows (largest |sum − 1| = ${worst.toExponential(2)})`);
  return out;
}
