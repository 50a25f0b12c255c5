/**
 * Sparse coding and dictionary learning, the machinery of the dictionary-learning baseline:
 * - `omp`: Orthogonal Matching Pursuit (Pati et al. 1993): greedily pick the atom most
 *   correlated with the residual, refit the picked atoms by least squares, until `sparsity`
 *   atoms or a residual below `tolerance`.
 * - `ksvd`: K-SVD (Aharon, Elad & Bruckstein 2006): alternate OMP coding of every signal and,
 *   atom by atom, a rank-1 refit (power iteration) of the error the atom's users leave without it.
 * Layouts: a dictionary is [d, K] column-major (atom k is D[k*d .. (k+1)*d), unit norm); signals
 * are [N, d] row-major; codes are sparse (indices and values per signal). Float64, plain loops.
 */
import { data, ValueError } from '@lacuna/core';

export interface SparseCode {
  /** Atom indices, in the order OMP picked them. */
  readonly atoms: Int32Array;
  readonly values: Float64Array;
}

/** Solves the small SPD system G c = b in place of c (Cholesky; G is n x n row-major). */
function solveSpd(G: Float64Array, b: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = G[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      if (i === j) L[i * n + i] = Math.sqrt(Math.max(s, 1e-12));
      else L[i * n + j] = s / L[j * n + j]!;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * y[k]!;
    y[i] = s / L[i * n + i]!;
  }
  const c = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * c[k]!;
    c[i] = s / L[i * n + i]!;
  }
  return c;
}

/** OMP code of signal x [d] on dictionary D [d, K] (column-major, unit-norm atoms). */
export function omp(D: Float64Array, d: number, x: ArrayLike<number>, sparsity: number, tolerance = 1e-10): SparseCode {
  const K = D.length / d;
  if (!Number.isInteger(K) || x.length !== d) throw new ValueError(`omp: dictionary of ${D.length} values is not [d=${d}, K], or the signal has ${x.length} values`);
  const r = Float64Array.from(x);
  const picked: number[] = [];
  let values: Float64Array = new Float64Array(0);
  const used = new Uint8Array(K);
  for (let step = 0; step < Math.min(sparsity, K, d); step++) {
    let norm2 = 0;
    for (let i = 0; i < d; i++) norm2 += r[i]! * r[i]!;
    if (norm2 <= tolerance) break;
    let best = -1, bestAbs = 0;
    for (let k = 0; k < K; k++) {
      if (used[k]) continue;
      let c = 0;
      for (let i = 0; i < d; i++) c += D[k * d + i]! * r[i]!;
      if (Math.abs(c) > bestAbs) { bestAbs = Math.abs(c); best = k; }
    }
    if (best < 0 || bestAbs < 1e-14) break;
    used[best] = 1;
    picked.push(best);
    // Least squares on the picked atoms: (A^T A) c = A^T x.
    const n = picked.length;
    const G = new Float64Array(n * n), b = new Float64Array(n);
    for (let a = 0; a < n; a++) {
      for (let c2 = 0; c2 <= a; c2++) {
        let s = 0;
        for (let i = 0; i < d; i++) s += D[picked[a]! * d + i]! * D[picked[c2]! * d + i]!;
        G[a * n + c2] = G[c2 * n + a] = s;
      }
      let s = 0;
      for (let i = 0; i < d; i++) s += D[picked[a]! * d + i]! * x[i]!;
      b[a] = s;
    }
    values = solveSpd(G, b, n);
    for (let i = 0; i < d; i++) {
      let v = x[i]!;
      for (let a = 0; a < n; a++) v -= D[picked[a]! * d + i]! * values[a]!;
      r[i] = v;
    }
  }
  return { atoms: Int32Array.from(picked), values };
}

/** Scales every atom (column) of D [d, K] to unit norm; an all-zero atom gets a random direction. */
export function normaliseAtoms(D: Float64Array, d: number, rng: data.Random): void {
  for (let k = 0; k < D.length / d; k++) {
    let n = 0;
    for (let i = 0; i < d; i++) n += D[k * d + i]! ** 2;
    if (n < 1e-20) {
      for (let i = 0; i < d; i++) D[k * d + i] = rng.normal();
      n = 0;
      for (let i = 0; i < d; i++) n += D[k * d + i]! ** 2;
    }
    const s = 1 / Math.sqrt(n);
    for (let i = 0; i < d; i++) D[k * d + i] = D[k * d + i]! * s;
  }
}

export interface KsvdOptions {
  readonly atoms: number;
  readonly sparsity: number;
  /** Coding / update rounds. Default 10. */
  readonly iterations?: number;
  readonly seed?: number;
  /** After each round, with the mean squared residual of the codes. */
  readonly onIteration?: (round: number, meanSquaredResidual: number) => void;
}

/** K-SVD on signals X [N, d]: the dictionary [d, K] (column-major, unit atoms). Starts from random training signals. */
export function ksvd(X: Float64Array, d: number, o: KsvdOptions): Float64Array {
  const N = X.length / d;
  const K = o.atoms;
  if (!Number.isInteger(N) || N < K) throw new ValueError(`ksvd: need at least as many signals (${N}) as atoms (${K})`);
  const rng = new data.Random(o.seed ?? 0);
  const D = new Float64Array(d * K);
  const start = rng.permutation(N);
  for (let k = 0; k < K; k++) D.set(X.subarray(start[k]! * d, (start[k]! + 1) * d), k * d);
  normaliseAtoms(D, d, rng);
  const rounds = o.iterations ?? 10;
  for (let round = 0; round < rounds; round++) {
    const codes = Array.from({ length: N }, (_, n) => omp(D, d, X.subarray(n * d, (n + 1) * d), o.sparsity));
    // Users of each atom: (signal, position in its code).
    const users: [number, number][][] = Array.from({ length: K }, () => []);
    codes.forEach((c, n) => c.atoms.forEach((k, j) => users[k]!.push([n, j])));
    for (let k = 0; k < K; k++) {
      const u = users[k]!;
      if (u.length === 0) {
        // An unused atom is replaced by the worst-represented signal, as K-SVD does.
        let worst = 0, worstErr = -1;
        for (let n = 0; n < N; n += Math.max(1, Math.floor(N / 2000))) {
          const e = residualNorm2(D, d, X, n, codes[n]!);
          if (e > worstErr) { worstErr = e; worst = n; }
        }
        D.set(X.subarray(worst * d, (worst + 1) * d), k * d);
        normaliseAtoms(D.subarray(k * d, (k + 1) * d), d, rng);
        continue;
      }
      // E = residual of the users with atom k's contribution added back: [d, |u|].
      const E = new Float64Array(d * u.length);
      u.forEach(([n, j], col) => {
        const c = codes[n]!;
        for (let i = 0; i < d; i++) {
          let v = X[n * d + i]!;
          for (let a = 0; a < c.atoms.length; a++) if (a !== j) v -= D[c.atoms[a]! * d + i]! * c.values[a]!;
          E[col * d + i] = v;
        }
      });
      // Rank-1 fit E ≈ atom · coefficients by a few power iterations from the current atom.
      const atom = D.slice(k * d, (k + 1) * d);
      const coef = new Float64Array(u.length);
      for (let it = 0; it < 3; it++) {
        for (let col = 0; col < u.length; col++) {
          let s = 0;
          for (let i = 0; i < d; i++) s += atom[i]! * E[col * d + i]!;
          coef[col] = s;
        }
        atom.fill(0);
        for (let col = 0; col < u.length; col++) for (let i = 0; i < d; i++) atom[i] = atom[i]! + E[col * d + i]! * coef[col]!;
        let n2 = 0;
        for (let i = 0; i < d; i++) n2 += atom[i]! ** 2;
        if (n2 < 1e-20) break;
        const s = 1 / Math.sqrt(n2);
        for (let i = 0; i < d; i++) atom[i] = atom[i]! * s;
      }
      for (let col = 0; col < u.length; col++) {
        let s = 0;
        for (let i = 0; i < d; i++) s += atom[i]! * E[col * d + i]!;
        coef[col] = s;
      }
      D.set(atom, k * d);
      u.forEach(([n, j], col) => (codes[n]!.values[j] = coef[col]!));
    }
    // Clearing (as Rubinstein's K-SVD box): an atom that nearly duplicates another is moved to
    // the worst-represented signal, so no two atoms compete for the same structure.
    const errors = Float64Array.from({ length: N }, (_, n) => residualNorm2(D, d, X, n, codes[n]!));
    const worstFirst = Array.from({ length: N }, (_, n) => n).sort((a, b) => errors[b]! - errors[a]!);
    let next = 0;
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < k; j++) {
        let c = 0;
        for (let i = 0; i < d; i++) c += D[k * d + i]! * D[j * d + i]!;
        if (Math.abs(c) > 0.99) {
          const n = worstFirst[next++ % N]!;
          D.set(X.subarray(n * d, (n + 1) * d), k * d);
          normaliseAtoms(D.subarray(k * d, (k + 1) * d), d, rng);
          break;
        }
      }
    }
    if (o.onIteration) o.onIteration(round + 1, errors.reduce((a, b) => a + b, 0) / (N * d));
  }
  return D;
}

function residualNorm2(D: Float64Array, d: number, X: Float64Array, n: number, c: SparseCode): number {
  let e = 0;
  for (let i = 0; i < d; i++) {
    let v = X[n * d + i]!;
    for (let a = 0; a < c.atoms.length; a++) v -= D[c.atoms[a]! * d + i]! * c.values[a]!;
    e += v * v;
  }
  return e;
}
