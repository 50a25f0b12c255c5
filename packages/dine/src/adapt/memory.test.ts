import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adaptiveLabelSmoothing, hardLabels } from './adaptive_smoothing.js';
import { emaUpdate, ensembleMean, initialMemory } from './teacher_memory.js';

const closeAll = (a: ArrayLike<number>, b: number[], tol = 1e-6) => b.forEach((v, i) => assert.ok(Math.abs(a[i]! - v) <= tol, `[${i}] ${a[i]} vs ${v}`));

test('adaptive label smoothing keeps the top r and spreads the rest evenly', () => {
  const p = Float32Array.from([0.1, 0.6, 0, 0.3, /* row 2 */ 0.25, 0.25, 0.25, 0.25]);
  closeAll(adaptiveLabelSmoothing(p, 4, 1), [0.4 / 3, 0.6, 0.4 / 3, 0.4 / 3, 0.25, 0.25, 0.25, 0.25]);
  closeAll(adaptiveLabelSmoothing(p, 4, 2), [0.05, 0.6, 0.05, 0.3, 0.25, 0.25, 0.25, 0.25]);
  closeAll(adaptiveLabelSmoothing(p, 4, 4), Array.from(p));
  assert.throws(() => adaptiveLabelSmoothing(p, 4, 0), /topR/);
  closeAll(hardLabels(p, 4), [0, 1, 0, 0, 1, 0, 0, 0]);
});

test('memory of several black boxes: the mean of their smoothed predictions; EMA 0.6', () => {
  const a = Float32Array.from([0.7, 0.2, 0.1]);
  const b = Float32Array.from([0.1, 0.5, 0.4]);
  // smoothed: a → (0.7, 0.15, 0.15), b → (0.25, 0.5, 0.25)
  const mem = initialMemory([a, b], 3, 1);
  closeAll(mem, [0.475, 0.325, 0.2]);
  closeAll(initialMemory([a, b], 3, null), [0.4, 0.35, 0.25]);
  emaUpdate(mem, Float32Array.from([0, 0, 1]), 0.6);
  closeAll(mem, [0.6 * 0.475, 0.6 * 0.325, 0.6 * 0.2 + 0.4]);
});

test('No Adapt of several black boxes: the plain mean of their predictions', () => {
  closeAll(ensembleMean([Float32Array.from([0.7, 0.2, 0.1]), Float32Array.from([0.1, 0.5, 0.4])]), [0.4, 0.35, 0.25]);
  assert.throws(() => ensembleMean([new Float32Array(3), new Float32Array(6)]), /teachers disagree on the number of predictions/);
});
