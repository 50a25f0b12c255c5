import assert from 'node:assert/strict';
import { test } from 'node:test';
import { data } from '@lacuna/core';
import { cholesky, determinant, invert, solveLinear, symmetricEigen } from './dense.js';

function randomSymmetric(n: number, rng: data.Random): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.normal();
  return a;
}

test('symmetric eigen-decomposition: A V = V D, V orthonormal, values ascending (n = 3, 4, 12)', () => {
  const rng = new data.Random(1);
  for (const n of [3, 4, 12]) {
    const a = randomSymmetric(n, rng);
    const { values, vectors } = symmetricEigen(a, n);
    for (let i = 1; i < n; i++) assert.ok(values[i]! >= values[i - 1]!);
    for (let c = 0; c < n; c++) {
      for (let r = 0; r < n; r++) {
        let av = 0;
        for (let k = 0; k < n; k++) av += a[r * n + k]! * vectors[k * n + c]!;
        assert.ok(Math.abs(av - values[c]! * vectors[r * n + c]!) < 1e-12, `n=${n} column ${c}`);
      }
      for (let c2 = 0; c2 < n; c2++) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += vectors[k * n + c]! * vectors[k * n + c2]!;
        assert.ok(Math.abs(dot - (c === c2 ? 1 : 0)) < 1e-12);
      }
    }
  }
  // A rank-deficient matrix: diag(0, 0, 2) rotated keeps its exact zero eigenvalues.
  const { values } = symmetricEigen([1, 1, 0, 1, 1, 0, 0, 0, 0], 3);
  assert.ok(Math.abs(values[0]!) < 1e-15 && Math.abs(values[1]!) < 1e-15 && Math.abs(values[2]! - 2) < 1e-15);
});

test('solve, invert, determinant and Cholesky against closed forms', () => {
  const a = [4, 2, 0, 2, 3, 1, 0, 1, 2];
  const x = new Float64Array(3);
  assert.ok(solveLinear(a, [2, 5, 3], 3, x));
  // A [0, 1, 1] = [2, 4, 3]; check A x = b instead of a hand inverse.
  const b = [2, 5, 3];
  for (let r = 0; r < 3; r++) assert.ok(Math.abs(a[r * 3]! * x[0]! + a[r * 3 + 1]! * x[1]! + a[r * 3 + 2]! * x[2]! - b[r]!) < 1e-14);
  assert.ok(Math.abs(determinant(a, 3) - (4 * (6 - 1) - 2 * (4 - 0))) < 1e-14);
  const inv = new Float64Array(9);
  assert.ok(invert([2, 0, 0, 0, 4, 0, 0, 0, 0.5], 3, inv));
  assert.deepEqual(Array.from(inv), [0.5, 0, 0, 0, 0.25, 0, 0, 0, 2]);
  const L = new Float64Array(9);
  assert.ok(cholesky(a, 3, L));
  assert.ok(Math.abs(L[0]! - 2) < 1e-15 && Math.abs(L[3]! - 1) < 1e-15 && Math.abs(L[4]! - Math.sqrt(2)) < 1e-15);
  assert.equal(cholesky([1, 2, 2, 1], 2), false, 'indefinite');
  assert.equal(solveLinear([1, 2, 2, 4], [1, 1], 2), false, 'singular');
});
