/**
 * DINE's adaptive label smoothing of a teacher's prediction: keep its r largest probabilities
 * and replace each of the other K − r by their average, (1 − Σ top r)/(K − r), so the row
 * still sums to 1 but only the top classes carry the teacher's (noisy) ranking. r = 1 (the
 * default) keeps just the teacher's confidence in its predicted class.
 */
import { ValueError } from '@lacuna/core';

/** probs [N, K] row-major → a new [N, K] smoothed copy. Ties keep the lower class index first. */
export function adaptiveLabelSmoothing(probs: Float32Array, numClasses: number, topR = 1): Float32Array {
  if (!(Number.isInteger(topR) && topR >= 1 && topR <= numClasses)) throw new ValueError(`adaptiveLabelSmoothing: topR must be in 1..${numClasses}, got ${topR}`);
  const n = probs.length / numClasses;
  const out = new Float32Array(probs.length);
  if (topR === numClasses) {
    out.set(probs);
    return out;
  }
  const order = Array.from({ length: numClasses }, (_, k) => k);
  for (let i = 0; i < n; i++) {
    const row = probs.subarray(i * numClasses, (i + 1) * numClasses);
    order.sort((a, b) => row[b]! - row[a]! || a - b);
    let kept = 0;
    for (let j = 0; j < topR; j++) kept += row[order[j]!]!;
    const rest = Math.max(0, 1 - kept) / (numClasses - topR);
    for (let k = 0; k < numClasses; k++) out[i * numClasses + k] = rest;
    for (let j = 0; j < topR; j++) out[i * numClasses + order[j]!] = row[order[j]!]!;
  }
  return out;
}

/** One-hot rows of each row's argmax (hard labels, for HD-SHOT). */
export function hardLabels(probs: Float32Array, numClasses: number): Float32Array {
  const out = new Float32Array(probs.length);
  for (let i = 0; i < probs.length / numClasses; i++) out[i * numClasses + argMaxRow(probs, numClasses, i)] = 1;
  return out;
}

/** argmax of row i of [N, K]. */
export function argMaxRow(probs: ArrayLike<number>, numClasses: number, i: number): number {
  let best = 0;
  for (let k = 1; k < numClasses; k++) if (probs[i * numClasses + k]! > probs[i * numClasses + best]!) best = k;
  return best;
}
