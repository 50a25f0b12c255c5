/**
 * Small dense linear algebra on row-major Float64Arrays (n <= 12): the normal equations of
 * PnP are 6x6 (4x4 for 4-DoF), the AMIS proposals 3x3 and 4x4, EPnP's kernel 12x12. Plain
 * loops beat any tensor library at these sizes, and float64 keeps the solver exact.
 */

/**
 * Lower Cholesky factor of the symmetric matrix `a` (n x n) into `out` (upper part zeroed).
 * Returns false when `a` is not numerically positive definite.
 */
export function cholesky(a: ArrayLike<number>, n: number, out: Float64Array = new Float64Array(n * n)): boolean {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= out[i * n + k]! * out[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) return false;
        out[i * n + i] = Math.sqrt(s);
      } else {
        out[i * n + j] = s / out[j * n + j]!;
      }
    }
    for (let j = i + 1; j < n; j++) out[i * n + j] = 0;
  }
  return true;
}

/** Solves L y = b in place of `b` (L lower triangular, n x n). */
export function forwardSubstitute(L: ArrayLike<number>, n: number, b: Float64Array, bo = 0): void {
  for (let i = 0; i < n; i++) {
    let s = b[bo + i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * b[bo + k]!;
    b[bo + i] = s / L[i * n + i]!;
  }
}

/**
 * Solves A x = b for a general n x n matrix by Gaussian elimination with partial pivoting.
 * `a` and `b` are left untouched; returns false (and leaves `out` undefined) when A is
 * singular to working precision.
 */
export function solveLinear(a: ArrayLike<number>, b: ArrayLike<number>, n: number, out: Float64Array = new Float64Array(n)): boolean {
  const m = new Float64Array(n * (n + 1));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) m[i * (n + 1) + j] = a[i * n + j]!;
    m[i * (n + 1) + n] = b[i]!;
  }
  if (!eliminate(m, n, 1)) return false;
  for (let i = 0; i < n; i++) out[i] = m[i * (n + 1) + n]!;
  return true;
}

/** Inverse of a general n x n matrix (Gauss-Jordan with partial pivoting); false if singular. */
export function invert(a: ArrayLike<number>, n: number, out: Float64Array = new Float64Array(n * n)): boolean {
  const w = 2 * n;
  const m = new Float64Array(n * w);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) m[i * w + j] = a[i * n + j]!;
    m[i * w + n + i] = 1;
  }
  if (!eliminate(m, n, n)) return false;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = m[i * w + n + j]!;
  return true;
}

/** Gauss-Jordan on an n x (n + extra) augmented matrix, leaving the solution in the extra columns. */
function eliminate(m: Float64Array, n: number, extra: number): boolean {
  const w = n + extra;
  let scale = 0;
  for (let i = 0; i < n * w; i++) if (i % w < n) scale = Math.max(scale, Math.abs(m[i]!));
  const tiny = scale * 1e-14;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * w + c]!) > Math.abs(m[p * w + c]!)) p = r;
    const pivot = m[p * w + c]!;
    if (!(Math.abs(pivot) > tiny)) return false;
    if (p !== c) {
      for (let k = 0; k < w; k++) {
        const t = m[c * w + k]!;
        m[c * w + k] = m[p * w + k]!;
        m[p * w + k] = t;
      }
    }
    for (let k = c; k < w; k++) m[c * w + k] = m[c * w + k]! / pivot;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r * w + c]!;
      if (f === 0) continue;
      for (let k = c; k < w; k++) m[r * w + k] = m[r * w + k]! - f * m[c * w + k]!;
    }
  }
  return true;
}

/** Determinant of an n x n matrix (LU with partial pivoting). */
export function determinant(a: ArrayLike<number>, n: number): number {
  const m = Float64Array.from({ length: n * n }, (_, i) => a[i]!);
  let det = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]!) > Math.abs(m[p * n + c]!)) p = r;
    const pivot = m[p * n + c]!;
    if (pivot === 0) return 0;
    if (p !== c) {
      det = -det;
      for (let k = 0; k < n; k++) {
        const t = m[c * n + k]!;
        m[c * n + k] = m[p * n + k]!;
        m[p * n + k] = t;
      }
    }
    det *= pivot;
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c]! / pivot;
      for (let k = c; k < n; k++) m[r * n + k] = m[r * n + k]! - f * m[c * n + k]!;
    }
  }
  return det;
}

/**
 * Eigen-decomposition of a symmetric n x n matrix by cyclic Jacobi rotations. Returns the
 * eigenvalues in ascending order and the eigenvectors as the *columns* of `vectors`
 * (row-major n x n), in the same order.
 */
export function symmetricEigen(a: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from({ length: n * n }, (_, i) => a[i]!);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += m[i * n + i]! * m[i * n + i]!;
      for (let j = i + 1; j < n; j++) off += m[i * n + j]! * m[i * n + j]!;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (apq === 0) continue;
        const theta = (m[q * n + q]! - m[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p]!, mkq = m[k * n + q]!;
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k]!, mqk = m[q * n + k]!;
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!, vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => m[x * n + x]! - m[y * n + y]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = m[src * n + src]!;
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src]!;
  });
  return { values, vectors };
}
