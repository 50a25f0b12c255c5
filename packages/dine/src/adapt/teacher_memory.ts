/**
 * The distillation target of DINE ("memory"): each target image's teacher prediction after
 * adaptive label smoothing, averaged over the source black boxes when there are several, then
 * moved towards the student by an exponential moving average during distillation.
 */
import { ValueError } from '@lacuna/core';
import type { ImageBatch } from '../data/digit_set.js';
import type { BlackBoxPredictor } from '../black_box/predictor.js';
import { validateProbabilities } from '../black_box/validate_probabilities.js';
import { adaptiveLabelSmoothing } from './adaptive_smoothing.js';

/** Every black box's validated probabilities [N, K] for the images (one query per box). */
export async function queryTeachers(boxes: readonly BlackBoxPredictor[], images: ImageBatch, warn?: (m: string) => void): Promise<Float32Array[]> {
  if (boxes.length === 0) throw new ValueError('queryTeachers: need at least one black box');
  const k = boxes[0]!.numClasses;
  const out: Float32Array[] = [];
  for (const box of boxes) {
    if (box.numClasses !== k) throw new ValueError(`queryTeachers: black box ${box.name} has ${box.numClasses} classes, ${boxes[0]!.name} has ${k}`);
    out.push(validateProbabilities(await box.predict(images), images.count, k, box.name, warn ? { warn } : {}));
  }
  return out;
}

/**
 * The initial memory: mean over teachers of their predictions smoothed to the top r (r = null:
 * the raw predictions, as soft distillation uses them).
 */
export function initialMemory(teacherProbs: readonly Float32Array[], numClasses: number, topR: number | null = 1): Float32Array {
  const n = teacherProbs[0]!.length;
  const mem = new Float32Array(n);
  for (const p of teacherProbs) {
    if (p.length !== n) throw new ValueError(`initialMemory: teachers disagree on the number of predictions (${p.length} vs ${n})`);
    const s = topR === null ? p : adaptiveLabelSmoothing(p, numClasses, topR);
    for (let j = 0; j < n; j++) mem[j]! += s[j]! / teacherProbs.length;
  }
  return mem;
}

/** No Adapt with one or several black boxes: the mean of their predictions [n, K] (all the same length). */
export function ensembleMean(teacherProbs: readonly Float32Array[]): Float32Array {
  return initialMemory(teacherProbs, 0, null);
}

/** mem ← momentum·mem + (1 − momentum)·student, in place. */
export function emaUpdate(memory: Float32Array, student: Float32Array, momentum: number): void {
  if (memory.length !== student.length) throw new ValueError(`emaUpdate: memory has ${memory.length} values, student ${student.length}`);
  for (let j = 0; j < memory.length; j++) memory[j] = momentum * memory[j]! + (1 - momentum) * student[j]!;
}
