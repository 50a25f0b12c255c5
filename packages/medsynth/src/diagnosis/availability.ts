/**
 * Who is tested and who has PET, per experiment seed. Subjects are split into train and test
 * by subject, stratified by the disease flag; test subjects are treated as lacking PET (their
 * PET is never read). Among the training subjects a fraction p — again stratified, so both
 * classes have complete subjects — has PET; the rest have MRI only. MRI and the disease flag
 * are known for everyone.
 *
 * Drawing the split before PET availability keeps the training and test subjects the same
 * for every p at a given seed, so a change with p is the effect of PET availability alone.
 */
import { ValueError, data } from '@lacuna/core';

export interface AvailabilityPlan {
  /** Training subjects (indices into the cohort), sorted. */
  readonly train: readonly number[];
  /** Test subjects, sorted; none of them has PET. */
  readonly test: readonly number[];
  /** Training subjects with PET, sorted. */
  readonly complete: readonly number[];
  /** Training subjects with MRI only, sorted. */
  readonly incomplete: readonly number[];
  /** hasPet[i]: subject i's PET may be used. */
  readonly hasPet: readonly boolean[];
}

/** round(fraction · n), kept within [min, max]. */
function share(n: number, fraction: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(fraction * n)));
}

/** Splits per class: `take(n)` subjects of each class go to the first part. */
function stratified(indices: readonly number[], labels: ArrayLike<number>, rng: data.Random, take: (n: number) => number): [number[], number[]] {
  const first: number[] = [];
  const second: number[] = [];
  for (const cls of [0, 1]) {
    const members = indices.filter((i) => labels[i] === cls);
    const order = rng.permutation(members.length);
    const k = take(members.length);
    order.forEach((o, r) => (r < k ? first : second).push(members[o]!));
  }
  return [first.sort((a, b) => a - b), second.sort((a, b) => a - b)];
}

/**
 * The plan for `labels` (0/1 per subject): test fraction `testFraction` of each class, and PET
 * for a fraction `p` of each class's training subjects (at least one per class, and at least
 * one training subject per class left without PET when p < 1).
 */
export function planAvailability(labels: ArrayLike<number>, p: number, testFraction: number, seed: number): AvailabilityPlan {
  if (!(p > 0 && p <= 1)) throw new ValueError(`planAvailability: p (the fraction of training subjects with PET) must be in (0, 1], got ${p}`);
  if (!(testFraction > 0 && testFraction < 1)) throw new ValueError(`planAvailability: testFraction must be in (0, 1), got ${testFraction}`);
  const n = labels.length;
  for (const cls of [0, 1]) {
    const count = Array.from(labels).filter((l) => l === cls).length;
    if (count < 3) throw new ValueError(`planAvailability: needs at least 3 subjects of each class, got ${count} with label ${cls}`);
  }
  const rng = new data.Random(seed);
  const all = Array.from({ length: n }, (_, i) => i);
  const [test, train] = stratified(all, labels, rng, (m) => share(m, testFraction, 1, m - 2));
  const [complete, incomplete] = stratified(train, labels, rng, (m) => share(m, p, 1, p < 1 ? m - 1 : m));
  const hasPet = all.map(() => false);
  for (const i of complete) hasPet[i] = true;
  return { train, test, complete, incomplete, hasPet };
}
