/**
 * The distillation target of DINE ("memory"): each target image's teacher prediction after
 * adaptive label smoothing, averaged over the source black boxes when there are several, then
 * moved towards the student by an exponential moving average during distillation.
 */
import { data, ValueError } from '@lacuna/core';

const { Random } = data;
import { imageSize, type ImageBatch } from '../data/digit_set.js';
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

export interface BudgetedAnswers {
  /** [N, K] per black box: the answers, uniform rows where there is none. */
  readonly teacherProbs: Float32Array[];
  /** [N] 1 where every black box answered. */
  readonly answered: Uint8Array;
  /** Images with answers, and of those, answers that came from a cache (free). */
  readonly answeredCount: number;
  readonly fromCache: number;
}

/**
 * Queries at most `maxQueries` images: those already paid for (cached) first, then a seeded
 * random choice of the others, so that exactly min(maxQueries, N) images have answers; the
 * same seed and cache give the same choice, so a resumed run asks only for what is missing.
 */
export async function queryTeachersWithinBudget(
  boxes: readonly BlackBoxPredictor[],
  images: ImageBatch,
  options: { maxQueries: number; seed: number; warn?: (m: string) => void },
): Promise<BudgetedAnswers> {
  const { maxQueries } = options;
  if (!(Number.isInteger(maxQueries) && maxQueries >= 0)) throw new ValueError(`queryTeachersWithinBudget: maxQueries must be an integer >= 0, got ${maxQueries}`);
  if (boxes.length === 0) throw new ValueError('queryTeachersWithinBudget: need at least one black box');
  const n = images.count;
  const k = boxes[0]!.numClasses;
  const cached = (i: number) => boxes.every((b) => b.isCached?.(images, i) ?? false);
  const order = Array.from(new Random(options.seed).permutation(n));
  const paid = order.filter(cached);
  const chosen = [...paid, ...order.filter((i) => !cached(i))].slice(0, Math.min(maxQueries, n)).sort((a, b) => a - b);
  const answered = new Uint8Array(n);
  for (const i of chosen) answered[i] = 1;
  const size = imageSize(images);
  const subset: ImageBatch = { count: chosen.length, height: images.height, width: images.width, ...(images.channels ? { channels: images.channels } : {}), pixels: new Uint8Array(chosen.length * size) };
  chosen.forEach((i, j) => subset.pixels.set(images.pixels.subarray(i * size, (i + 1) * size), j * size));
  const answers = chosen.length > 0 ? await queryTeachers(boxes, subset, options.warn) : boxes.map(() => new Float32Array(0));
  const teacherProbs = answers.map((a) => {
    const full = new Float32Array(n * k).fill(1 / k);
    chosen.forEach((i, j) => full.set(a.subarray(j * k, (j + 1) * k), i * k));
    return full;
  });
  return { teacherProbs, answered, answeredCount: chosen.length, fromCache: Math.min(paid.length, chosen.length) };
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
