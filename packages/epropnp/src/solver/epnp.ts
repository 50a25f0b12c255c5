/**
 * EPnP (Lepetit, Moreno-Noguer and Fua, IJCV 2009) on a weighted subset of one problem's
 * points: the 3D points as barycentric combinations of 4 control points, the control points'
 * camera coordinates from the null space of the 2n x 12 projection system, the betas by the
 * three closed-form approximations each refined by Gauss-Newton, then the rigid fit of the
 * camera points (Horn's quaternion method) with the lowest reprojection cost. Non-planar
 * point sets only: a planar set returns false and the caller falls back to random-sample LM.
 */
import { invert, solveLinear, symmetricEigen } from '../linalg/dense.js';
import { costAt } from '../cost/reprojection.js';
import type { PnPBatch } from '../problem/pnp_batch.js';

const PAIRS: readonly (readonly [number, number])[] = [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]];

/**
 * Writes a 6-DoF pose [x, y, z, w, i, j, k] for problem b into pose[po..] from the first
 * `count` of `points` (indices into the problem). Returns false when EPnP cannot run.
 */
export function epnpPose(batch: PnPBatch, b: number, points: Int32Array, count: number, pose: Float64Array, po: number): boolean {
  const { x3d, x2d, w2d, K, N } = batch;
  if (count < 4) return false;
  const k = b * 9;
  const fx = K[k]!, sk = K[k + 1]!, cx = K[k + 2]!, fy = K[k + 4]!, cy = K[k + 5]!;
  // Normalised image coordinates and per-row weights (pixel weights times the focal length).
  const X = new Float64Array(count * 3);
  const xn = new Float64Array(count * 2);
  const wr = new Float64Array(count * 2);
  let sw = 0;
  const c0 = [0, 0, 0];
  for (let q = 0; q < count; q++) {
    const p = b * N + points[q]!;
    for (let d = 0; d < 3; d++) X[q * 3 + d] = x3d[p * 3 + d]!;
    const yv = (x2d[p * 2 + 1]! - cy) / fy;
    xn[q * 2] = (x2d[p * 2]! - cx - sk * yv) / fx;
    xn[q * 2 + 1] = yv;
    wr[q * 2] = w2d[p * 2]! * fx;
    wr[q * 2 + 1] = w2d[p * 2 + 1]! * fy;
    const w = wr[q * 2]! + wr[q * 2 + 1]!;
    sw += w;
    for (let d = 0; d < 3; d++) c0[d] += w * X[q * 3 + d]!;
  }
  if (!(sw > 0)) return false;
  for (let d = 0; d < 3; d++) c0[d]! /= sw;
  // Control points: the centroid and the principal axes scaled by their spread.
  const cov = new Float64Array(9);
  for (let q = 0; q < count; q++) {
    const w = (wr[q * 2]! + wr[q * 2 + 1]!) / sw;
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) cov[r * 3 + c] += w * (X[q * 3 + r]! - c0[r]!) * (X[q * 3 + c]! - c0[c]!);
  }
  const pca = symmetricEigen(cov, 3);
  if (!(pca.values[0]! > 1e-8 * pca.values[2]!)) return false;
  const ctrl = new Float64Array(12);
  ctrl.set(c0, 0);
  for (let j = 1; j <= 3; j++) {
    const s = Math.sqrt(pca.values[3 - j]!);
    for (let d = 0; d < 3; d++) ctrl[j * 3 + d] = c0[d]! + s * pca.vectors[d * 3 + (3 - j)]!;
  }
  // Barycentric coordinates: [c1 - c0, c2 - c0, c3 - c0] a = X - c0.
  const C = new Float64Array(9);
  for (let d = 0; d < 3; d++) for (let j = 0; j < 3; j++) C[d * 3 + j] = ctrl[(j + 1) * 3 + d]! - c0[d]!;
  const Cinv = new Float64Array(9);
  if (!invert(C, 3, Cinv)) return false;
  const alphas = new Float64Array(count * 4);
  for (let q = 0; q < count; q++) {
    const dx = X[q * 3]! - c0[0]!, dy = X[q * 3 + 1]! - c0[1]!, dz = X[q * 3 + 2]! - c0[2]!;
    const a1 = Cinv[0]! * dx + Cinv[1]! * dy + Cinv[2]! * dz;
    const a2 = Cinv[3]! * dx + Cinv[4]! * dy + Cinv[5]! * dz;
    const a3 = Cinv[6]! * dx + Cinv[7]! * dy + Cinv[8]! * dz;
    alphas[q * 4] = 1 - a1 - a2 - a3;
    alphas[q * 4 + 1] = a1;
    alphas[q * 4 + 2] = a2;
    alphas[q * 4 + 3] = a3;
  }
  // M^T M of the weighted rows [a_j, 0, -a_j x] and [0, a_j, -a_j y]: block (i, j) is
  // sum_p a_pi a_pj B_p with B_p = wu^2 [1 0 -x; 0 0 0; -x 0 x^2] + wv^2 [0 0 0; 0 1 -y; 0 -y y^2].
  const S = new Float64Array(10 * 5); // 10 pairs (i <= j) x 5 entries of B: b00, b11, b02, b12, b22
  for (let q = 0; q < count; q++) {
    const wu = wr[q * 2]! * wr[q * 2]!, wv = wr[q * 2 + 1]! * wr[q * 2 + 1]!;
    const x = xn[q * 2]!, y = xn[q * 2 + 1]!;
    const B0 = wu, B1 = wv, B2 = -wu * x, B3 = -wv * y, B4 = wu * x * x + wv * y * y;
    let pair = 0;
    for (let i = 0; i < 4; i++) {
      const ai = alphas[q * 4 + i]!;
      for (let j = i; j < 4; j++, pair++) {
        const aa = ai * alphas[q * 4 + j]!;
        const o = pair * 5;
        S[o] += aa * B0; S[o + 1] += aa * B1; S[o + 2] += aa * B2; S[o + 3] += aa * B3; S[o + 4] += aa * B4;
      }
    }
  }
  const MtM = new Float64Array(144);
  let pair = 0;
  for (let i = 0; i < 4; i++) {
    for (let j = i; j < 4; j++, pair++) {
      const o = pair * 5;
      // 3x3 block [b00 0 b02; 0 b11 b12; b02 b12 b22] at (3i, 3j) and its transpose at (3j, 3i).
      const blk = [S[o]!, 0, S[o + 2]!, 0, S[o + 1]!, S[o + 3]!, S[o + 2]!, S[o + 3]!, S[o + 4]!];
      for (let a = 0; a < 3; a++) {
        for (let c = 0; c < 3; c++) {
          MtM[(3 * i + a) * 12 + 3 * j + c] = blk[a * 3 + c]!;
          MtM[(3 * j + c) * 12 + 3 * i + a] = blk[a * 3 + c]!;
        }
      }
    }
  }
  const eig = symmetricEigen(MtM, 12);
  // v[k] = eigenvector of the k-th smallest eigenvalue, as 4 control points x 3.
  const v: Float64Array[] = [];
  for (let kk = 0; kk < 4; kk++) {
    const vk = new Float64Array(12);
    for (let r = 0; r < 12; r++) vk[r] = eig.vectors[r * 12 + kk]!;
    v.push(vk);
  }
  // L [6, 10] and rho [6]: the squared control-point distances must match the object's.
  const L = new Float64Array(60);
  const rho = new Float64Array(6);
  const dv = new Float64Array(12); // [k][3]
  for (let r = 0; r < 6; r++) {
    const [i, j] = PAIRS[r]!;
    for (let kk = 0; kk < 4; kk++) for (let d = 0; d < 3; d++) dv[kk * 3 + d] = v[kk]![i * 3 + d]! - v[kk]![j * 3 + d]!;
    const dot = (a: number, bb: number) => dv[a * 3]! * dv[bb * 3]! + dv[a * 3 + 1]! * dv[bb * 3 + 1]! + dv[a * 3 + 2]! * dv[bb * 3 + 2]!;
    const o = r * 10;
    L[o] = dot(0, 0); L[o + 1] = 2 * dot(0, 1); L[o + 2] = dot(1, 1); L[o + 3] = 2 * dot(0, 2); L[o + 4] = 2 * dot(1, 2);
    L[o + 5] = dot(2, 2); L[o + 6] = 2 * dot(0, 3); L[o + 7] = 2 * dot(1, 3); L[o + 8] = 2 * dot(2, 3); L[o + 9] = dot(3, 3);
    let d2 = 0;
    for (let d = 0; d < 3; d++) d2 += (ctrl[i * 3 + d]! - ctrl[j * 3 + d]!) ** 2;
    rho[r] = d2;
  }
  const best = new Float64Array(7);
  let bestCost = Infinity;
  const candidate = new Float64Array(7);
  for (const approx of [betasApprox1, betasApprox2, betasApprox3]) {
    const betas = approx(L, rho);
    if (!betas) continue;
    refineBetas(L, rho, betas);
    if (!poseFromBetas(betas, v, alphas, X, count, wr, candidate)) continue;
    const cost = costAt(batch, b, candidate, 0, points, count);
    if (cost < bestCost) {
      bestCost = cost;
      best.set(candidate);
    }
  }
  if (!Number.isFinite(bestCost)) return false;
  pose.set(best, po);
  return true;
}

/** Least squares over the chosen columns of L: argmin ||L[:, cols] x - rho||. */
function leastSquares(L: Float64Array, rho: Float64Array, cols: readonly number[]): Float64Array | null {
  const m = cols.length;
  const A = new Float64Array(m * m);
  const y = new Float64Array(m);
  for (let r = 0; r < 6; r++) {
    for (let i = 0; i < m; i++) {
      y[i] += L[r * 10 + cols[i]!]! * rho[r]!;
      for (let j = 0; j < m; j++) A[i * m + j] += L[r * 10 + cols[i]!]! * L[r * 10 + cols[j]!]!;
    }
  }
  const out = new Float64Array(m);
  return solveLinear(A, y, m, out) ? out : null;
}

/** N = 4 approximation: betas from [b11, b12, b13, b14]. */
function betasApprox1(L: Float64Array, rho: Float64Array): Float64Array | null {
  const s = leastSquares(L, rho, [0, 1, 3, 6]);
  if (!s) return null;
  const sign = s[0]! < 0 ? -1 : 1;
  const b1 = Math.sqrt(Math.abs(s[0]!));
  if (!(b1 > 0)) return null;
  return Float64Array.of(b1, (sign * s[1]!) / b1, (sign * s[2]!) / b1, (sign * s[3]!) / b1);
}

/** beta1, beta2 from the solved [b11, b12, b22] (shared by the N = 2 and N = 3 approximations). */
function firstTwoBetas(s: Float64Array): [number, number] {
  let b1: number, b2: number;
  if (s[0]! < 0) {
    b1 = Math.sqrt(-s[0]!);
    b2 = s[2]! < 0 ? Math.sqrt(-s[2]!) : 0;
  } else {
    b1 = Math.sqrt(s[0]!);
    b2 = s[2]! > 0 ? Math.sqrt(s[2]!) : 0;
  }
  return [s[1]! < 0 ? -b1 : b1, b2];
}

/** N = 2 approximation: betas from [b11, b12, b22]. */
function betasApprox2(L: Float64Array, rho: Float64Array): Float64Array | null {
  const s = leastSquares(L, rho, [0, 1, 2]);
  if (!s) return null;
  const [b1, b2] = firstTwoBetas(s);
  return Float64Array.of(b1, b2, 0, 0);
}

/** N = 3 approximation: betas from [b11, b12, b22, b13, b23]. */
function betasApprox3(L: Float64Array, rho: Float64Array): Float64Array | null {
  const s = leastSquares(L, rho, [0, 1, 2, 3, 4]);
  if (!s) return null;
  const [b1, b2] = firstTwoBetas(s);
  if (b1 === 0) return null;
  return Float64Array.of(b1, b2, s[3]! / b1, 0);
}

/** Gauss-Newton on the 4 betas, minimising sum_r (rho_r - L_r . bb(beta))^2. */
function refineBetas(L: Float64Array, rho: Float64Array, beta: Float64Array): void {
  const A = new Float64Array(16);
  const g = new Float64Array(4);
  const step = new Float64Array(4);
  for (let it = 0; it < 5; it++) {
    A.fill(0);
    g.fill(0);
    const [b1, b2, b3, b4] = beta as unknown as [number, number, number, number];
    for (let r = 0; r < 6; r++) {
      const l = L.subarray(r * 10, r * 10 + 10);
      const J = [
        2 * l[0]! * b1 + l[1]! * b2 + l[3]! * b3 + l[6]! * b4,
        l[1]! * b1 + 2 * l[2]! * b2 + l[4]! * b3 + l[7]! * b4,
        l[3]! * b1 + l[4]! * b2 + 2 * l[5]! * b3 + l[8]! * b4,
        l[6]! * b1 + l[7]! * b2 + l[8]! * b3 + 2 * l[9]! * b4,
      ];
      const pred = l[0]! * b1 * b1 + l[1]! * b1 * b2 + l[2]! * b2 * b2 + l[3]! * b1 * b3 + l[4]! * b2 * b3 + l[5]! * b3 * b3 + l[6]! * b1 * b4 + l[7]! * b2 * b4 + l[8]! * b3 * b4 + l[9]! * b4 * b4;
      const res = rho[r]! - pred;
      for (let i = 0; i < 4; i++) {
        g[i] += J[i]! * res;
        for (let j = 0; j < 4; j++) A[i * 4 + j] += J[i]! * J[j]!;
      }
    }
    let scale = 0;
    for (let i = 0; i < 4; i++) scale = Math.max(scale, A[i * 5]!);
    for (let i = 0; i < 4; i++) A[i * 5] = A[i * 5]! + 1e-12 * scale + 1e-300;
    if (!solveLinear(A, g, 4, step)) return;
    for (let i = 0; i < 4; i++) beta[i] = beta[i]! + step[i]!;
  }
}

/** Camera points from the betas, then the weighted rigid fit object -> camera. */
function poseFromBetas(
  beta: Float64Array, v: Float64Array[], alphas: Float64Array, X: Float64Array, count: number, wr: Float64Array, out: Float64Array,
): boolean {
  const ctrlCam = new Float64Array(12);
  for (let kk = 0; kk < 4; kk++) for (let r = 0; r < 12; r++) ctrlCam[r] += beta[kk]! * v[kk]![r]!;
  const Xc = new Float64Array(count * 3);
  let zSum = 0;
  for (let q = 0; q < count; q++) {
    for (let d = 0; d < 3; d++) {
      let s = 0;
      for (let j = 0; j < 4; j++) s += alphas[q * 4 + j]! * ctrlCam[j * 3 + d]!;
      Xc[q * 3 + d] = s;
    }
    zSum += Xc[q * 3 + 2]!;
  }
  // The null-space solution's sign is arbitrary: the object must be in front of the camera.
  if (zSum < 0) for (let i = 0; i < Xc.length; i++) Xc[i] = -Xc[i]!;
  return rigidFit(X, Xc, count, wr, out);
}

/**
 * Weighted rigid transform q ~ R p + t by Horn's quaternion method (the eigenvector of the
 * largest eigenvalue of his 4x4 matrix), written as a pose into out[0..7].
 */
function rigidFit(P: Float64Array, Q: Float64Array, count: number, wr: Float64Array, out: Float64Array): boolean {
  const pm = [0, 0, 0], qm = [0, 0, 0];
  let sw = 0;
  for (let i = 0; i < count; i++) {
    const w = wr[i * 2]! + wr[i * 2 + 1]!;
    sw += w;
    for (let d = 0; d < 3; d++) {
      pm[d] += w * P[i * 3 + d]!;
      qm[d] += w * Q[i * 3 + d]!;
    }
  }
  for (let d = 0; d < 3; d++) {
    pm[d]! /= sw;
    qm[d]! /= sw;
  }
  const S = new Float64Array(9);
  for (let i = 0; i < count; i++) {
    const w = wr[i * 2]! + wr[i * 2 + 1]!;
    for (let a = 0; a < 3; a++) for (let c = 0; c < 3; c++) S[a * 3 + c] += w * (P[i * 3 + a]! - pm[a]!) * (Q[i * 3 + c]! - qm[c]!);
  }
  const sxx = S[0]!, sxy = S[1]!, sxz = S[2]!, syx = S[3]!, syy = S[4]!, syz = S[5]!, szx = S[6]!, szy = S[7]!, szz = S[8]!;
  const Nm = Float64Array.of(
    sxx + syy + szz, syz - szy, szx - sxz, sxy - syx,
    syz - szy, sxx - syy - szz, sxy + syx, szx + sxz,
    szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy,
    sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz,
  );
  const { vectors } = symmetricEigen(Nm, 4);
  let w = vectors[3]!, i = vectors[7]!, j = vectors[11]!, k = vectors[15]!;
  const n = Math.sqrt(w * w + i * i + j * j + k * k) * (w < 0 ? -1 : 1);
  if (!(Math.abs(n) > 0)) return false;
  w /= n; i /= n; j /= n; k /= n;
  const R0 = 1 - 2 * (j * j + k * k), R1 = 2 * (i * j - k * w), R2 = 2 * (i * k + j * w);
  const R3 = 2 * (i * j + k * w), R4 = 1 - 2 * (i * i + k * k), R5 = 2 * (j * k - i * w);
  const R6 = 2 * (i * k - j * w), R7 = 2 * (j * k + i * w), R8 = 1 - 2 * (i * i + j * j);
  out[0] = qm[0]! - (R0 * pm[0]! + R1 * pm[1]! + R2 * pm[2]!);
  out[1] = qm[1]! - (R3 * pm[0]! + R4 * pm[1]! + R5 * pm[2]!);
  out[2] = qm[2]! - (R6 * pm[0]! + R7 * pm[1]! + R8 * pm[2]!);
  out[3] = w; out[4] = i; out[5] = j; out[6] = k;
  return Number.isFinite(out[0]! + out[1]! + out[2]!);
}
