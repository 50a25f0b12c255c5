import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShapeError, ValueError } from '../errors.js';
import { auc } from './auc.js';

/** The definition: mean over (positive, negative) pairs of [s₊ > s₋] + ½[s₊ = s₋]. */
function pairwiseAuc(scores: number[], labels: number[]): number {
  let sum = 0;
  let pairs = 0;
  scores.forEach((sp, i) => {
    if (labels[i] !== 1) return;
    scores.forEach((sn, j) => {
      if (labels[j] !== 0) return;
      sum += sp > sn ? 1 : sp === sn ? 0.5 : 0;
      pairs++;
    });
  });
  return sum / pairs;
}

test('auc: perfect, reversed and all-tied rankings', () => {
  assert.equal(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]), 1);
  assert.equal(auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]), 0);
  assert.equal(auc([3, 3, 3, 3, 3], [0, 1, 0, 1, 1]), 0.5);
  assert.equal(auc(new Float32Array([-2, 5]), [false, true]), 1);
});

test('auc: a small case with ties, by hand', () => {
  // Positives 0.4, 0.6, 0.6; negatives 0.2, 0.4, 0.6. Pairs (6 + ... over 9):
  // 0.4 vs (0.2, 0.4, 0.6) → 1 + ½ + 0 = 1.5; each 0.6 vs them → 1 + 1 + ½ = 2.5.
  // AUC = (1.5 + 2.5 + 2.5) / 9 = 6.5 / 9.
  const scores = [0.2, 0.4, 0.4, 0.6, 0.6, 0.6];
  const labels = [0, 0, 1, 0, 1, 1];
  assert.ok(Math.abs(auc(scores, labels) - 6.5 / 9) < 1e-12);
  // Order of the entries does not matter.
  assert.ok(Math.abs(auc([0.6, 0.4, 0.2, 0.6, 0.4, 0.6], [1, 1, 0, 0, 0, 1]) - 6.5 / 9) < 1e-12);
  // One positive below two of three negatives: 1/3.
  assert.ok(Math.abs(auc([1, 2, 3, 1.5], [0, 0, 0, 1]) - 1 / 3) < 1e-12);
});

test('auc equals the pairwise definition on random scores with many ties', () => {
  let x = 12345;
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let trial = 0; trial < 20; trial++) {
    const n = 5 + trial;
    const scores = Array.from({ length: n }, () => Math.floor(next() * 4)); // 4 distinct values: ties
    const labels = scores.map((_, i) => (i % 3 === 0 ? 1 : next() < 0.4 ? 1 : 0));
    labels[1] = 0;
    assert.ok(Math.abs(auc(scores, labels) - pairwiseAuc(scores, labels)) < 1e-12, `trial ${trial}`);
  }
});

test('auc: errors for one class, bad labels, mismatched lengths, non-finite scores', () => {
  assert.throws(() => auc([0.1, 0.2], [1, 1]), (e: Error) => e instanceof ValueError && /both classes, got 2 positive and 0 negative/.test(e.message));
  assert.throws(() => auc([0.1, 0.2], [0, 0]), ValueError);
  assert.throws(() => auc([], []), ValueError);
  assert.throws(() => auc([0.1, 0.2], [0, 2]), /label 2 at index 1/);
  assert.throws(() => auc([0.1, 0.2, 0.3], [0, 1]), ShapeError);
  assert.throws(() => auc([0.1, NaN], [0, 1]), /score NaN at index 1/);
});
