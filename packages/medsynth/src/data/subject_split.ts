/**
 * Train / validation / test splits by subject, never by slice: neighbouring slices of one head
 * are nearly identical, so a slice-level split leaks the test set into training.
 */
import { ValueError, data } from '@lacuna/core';

export interface SubjectSplit {
  readonly train: string[];
  readonly val: string[];
  readonly test: string[];
}

export interface SplitOptions {
  /** Validation subjects: a count (≥ 1) or a fraction (< 1). Default 0.1. */
  readonly val?: number;
  /** Test subjects: a count or a fraction. Default 0.2. */
  readonly test?: number;
  readonly seed?: number;
}

function toCount(x: number, n: number, name: string): number {
  if (!(x >= 0)) throw new ValueError(`splitSubjects: ${name} must be ≥ 0, got ${x}`);
  return x < 1 ? Math.round(x * n) : Math.floor(x);
}

/** Shuffles subject ids with the seed and cuts them into train / val / test. */
export function splitSubjects(ids: readonly string[], options: SplitOptions = {}): SubjectSplit {
  if (new Set(ids).size !== ids.length) throw new ValueError('splitSubjects: subject ids must be unique');
  const nVal = toCount(options.val ?? 0.1, ids.length, 'val');
  const nTest = toCount(options.test ?? 0.2, ids.length, 'test');
  if (nVal + nTest >= ids.length) throw new ValueError(`splitSubjects: ${ids.length} subjects cannot give ${nVal} validation and ${nTest} test subjects and still leave one to train on`);
  const order = new data.Random(options.seed ?? 0).permutation(ids.length);
  const shuffled = Array.from(order, (i) => ids[i]!);
  return { test: shuffled.slice(0, nTest), val: shuffled.slice(nTest, nTest + nVal), train: shuffled.slice(nTest + nVal) };
}
