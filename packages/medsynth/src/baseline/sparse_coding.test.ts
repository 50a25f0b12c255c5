import { test } from 'node:test';
import assert from 'node:assert/strict';
import { data } from '@lacuna/core';
import { ksvd, normaliseAtoms, omp } from './sparse_coding.js';

test('OMP on a hand-checked case: the best atom first, then the least-squares refit on both', () => {
  // Atoms (columns): e1, e2 and (0.6, 0.8).
  const D = Float64Array.of(1, 0, 0, 1, 0.6, 0.8);
  const one = omp(D, 2, [1.2, 1.6], 1);
  assert.deepEqual(Array.from(one.atoms), [2]);
  assert.ok(Math.abs(one.values[0]! - 2) < 1e-12);
  // x = (1, 0.1): correlations 1, 0.1, 0.68 -> e1 first (coefficient 1); residual (0, 0.1) -> e2; refit exact.
  const two = omp(D, 2, [1, 0.1], 2);
  assert.deepEqual(Array.from(two.atoms), [0, 1]);
  assert.ok(Math.abs(two.values[0]! - 1) < 1e-12 && Math.abs(two.values[1]! - 0.1) < 1e-12);
  // A zero residual stops early.
  assert.equal(omp(D, 2, [0.6, 0.8], 3).atoms.length, 1);
});

test('K-SVD recovers a planted dictionary from 3-sparse signals', () => {
  const d = 16, K = 24, N = 3000, s = 3;
  const rng = new data.Random(11);
  const D0 = Float64Array.from({ length: d * K }, () => rng.normal());
  normaliseAtoms(D0, d, rng);
  const X = new Float64Array(N * d);
  for (let n = 0; n < N; n++) {
    const atoms = Array.from(rng.permutation(K).subarray(0, s));
    for (const k of atoms) {
      const c = (rng.uniform() < 0.5 ? -1 : 1) * rng.uniform(0.5, 1.5);
      for (let i = 0; i < d; i++) X[n * d + i]! += c * D0[k * d + i]!;
    }
    for (let i = 0; i < d; i++) X[n * d + i]! += 0.01 * rng.normal();
  }
  const residuals: number[] = [];
  const D = ksvd(X, d, { atoms: K, sparsity: s, iterations: 50, seed: 2, onIteration: (_, r) => residuals.push(r) });
  let recovered = 0;
  for (let k = 0; k < K; k++) {
    let best = 0;
    for (let j = 0; j < K; j++) {
      let c = 0;
      for (let i = 0; i < d; i++) c += D0[k * d + i]! * D[j * d + i]!;
      best = Math.max(best, Math.abs(c));
    }
    if (best > 0.99) recovered++;
  }
  assert.ok(recovered >= 0.9 * K, `${recovered} of ${K} planted atoms recovered (|cos| > 0.99)`);
  assert.ok(residuals.at(-1)! < 0.1 * residuals[0]!, `residual ${residuals[0]} -> ${residuals.at(-1)}`);
});
