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
/** Scratch for solveLinear up to 12 x 12 (one JS thread, so one buffer is enough). */
const SOLVE_SCRATCH = new Float64Array(12 * 13);

export function solveLinear(a: ArrayLike<number>, b: ArrayLike<number>, n: number, out: Float64Array = new Float64Array(n)): boolean {
  const m = n <= 12 ? SOLVE_SCRATCH : new Float64Array(n * (n + 1));
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
 * Eigen-decomposition of a symmetric n x n matrix: Householder reduction to tridiagonal form,
 * then the implicit QL algorithm (EISPACK's tred2/tql2, as in JAMA). Returns the eigenvalues in
 * ascending order and the eigenvectors as the *columns* of `vectors` (row-major n x n).
 */
export function symmetricEigen(a: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float64Array } {
  const V = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) V[i] = a[i]!;
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(V, d, e, n);
  tridiagonalQl(V, d, e, n);
  return { values: d, vectors: V };
}

/** Householder tridiagonalisation (tred2): V becomes the orthogonal transform. */
function tridiagonalize(V: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = V[(n - 1) * n + j]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = V[(i - 1) * n + j]!;
        V[i * n + j] = 0;
        V[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] = d[k]! / scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        V[j * n + i] = f;
        g = e[j]! + V[j * n + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k * n + j]! * d[k]!;
          e[k] = e[k]! + V[k * n + j]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] = e[j]! / h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = e[j]! - hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) V[k * n + j] = V[k * n + j]! - (f * e[k]! + g * d[k]!);
        d[j] = V[(i - 1) * n + j]!;
        V[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[(n - 1) * n + i] = V[i * n + i]!;
    V[i * n + i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k * n + i + 1]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k * n + i + 1]! * V[k * n + j]!;
        for (let k = 0; k <= i; k++) V[k * n + j] = V[k * n + j]! - g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) V[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[(n - 1) * n + j]!;
    V[(n - 1) * n + j] = 0;
  }
  V[n * n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL on the tridiagonal (d, e) (tql2), accumulating into V; sorts ascending. */
function tridiagonalQl(V: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]!) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      for (let iter = 0; iter < 60; iter++) {
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] = d[i]! - h;
        f += h;
        p = d[m]!;
        let c = 1, c2 = c, c3 = c;
        const el1 = e[l + 1]!;
        let s = 0, s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          for (let k = 0; k < n; k++) {
            const vk1 = V[k * n + i + 1]!, vk = V[k * n + i]!;
            V[k * n + i + 1] = s * vk + c * vk1;
            V[k * n + i] = c * vk - s * vk1;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
        if (!(Math.abs(e[l]!) > eps * tst1)) break;
      }
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = d[i]!;
    for (let j = i + 1; j < n; j++) {
      if (d[j]! < p) {
        k = j;
        p = d[j]!;
      }
    }
    if (k !== i) {
      d[k] = d[i]!;
      d[i] = p;
      for (let j = 0; j < n; j++) {
        const t = V[j * n + i]!;
        V[j * n + i] = V[j * n + k]!;
        V[j * n + k] = t;
      }
    }
  }
}
