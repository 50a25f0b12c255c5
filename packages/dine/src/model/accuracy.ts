/** Accuracy of predicted probabilities against labels, and the model's on a labelled set. */
import { ValueError, type tfl } from '@lacuna/core';
import { argMaxRow } from '../adapt/adaptive_smoothing.js';
import type { DigitSet } from '../data/digit_set.js';
import { predictProbabilities } from '../black_box/model_black_box.js';

/** Fraction of rows of probs [N, K] whose argmax equals the label. */
export function accuracyOf(probs: Float32Array, labels: Int32Array, numClasses: number): number {
  const n = labels.length;
  if (probs.length !== n * numClasses) throw new ValueError(`accuracyOf: ${probs.length} probabilities for ${n} labels of ${numClasses} classes`);
  let hits = 0;
  for (let i = 0; i < n; i++) if (argMaxRow(probs, numClasses, i) === labels[i]) hits++;
  return n === 0 ? 0 : hits / n;
}

/** The model's accuracy on a labelled set (inference mode). */
export function modelAccuracy(model: tfl.LayersModel, set: DigitSet): number {
  if (!set.labels) throw new ValueError(`modelAccuracy: '${set.name}' has no labels`);
  const k = (model.outputs[0]!.shape as number[])[1]!;
  return accuracyOf(predictProbabilities(model, set), set.labels, k);
}
