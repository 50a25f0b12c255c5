/**
 * The weighted reprojection cost of one problem of a {@link PnPBatch} at one pose, and the
 * pieces the solvers and the Monte Carlo loss need from it: the robust normal equations
 * J^T J and J^T r (Jacobian with respect to the local step: dt for translation, then dtheta
 * for rotation, q <- normalize(q + T(q) dtheta); or dyaw for 4-DoF), and the gradient of the
 * cost with respect to x3d, x2d and w2d. Plain loops over points: these run inside the LM
 * iterations and once per Monte Carlo sample, so they are the hot path.
 */
import type { PnPBatch } from '../problem/pnp_batch.js';
import { huberSqrtWeight } from './huber.js';

const R = new Float64Array(9);

/** Fills the module's scratch rotation from a pose at `po`. */
function loadRotation(pose: ArrayLike<number>, po: number, dof: 4 | 6): void {
  if (dof === 6) {
    const w = pose[po + 3]!, i = pose[po + 4]!, j = pose[po + 5]!, k = pose[po + 6]!;
    R[0] = 1 - 2 * (j * j + k * k); R[1] = 2 * (i * j - k * w); R[2] = 2 * (i * k + j * w);
    R[3] = 2 * (i * j + k * w); R[4] = 1 - 2 * (i * i + k * k); R[5] = 2 * (j * k - i * w);
    R[6] = 2 * (i * k - j * w); R[7] = 2 * (j * k + i * w); R[8] = 1 - 2 * (i * i + j * j);
  } else {
    const c = Math.cos(pose[po + 3]!), s = Math.sin(pose[po + 3]!);
    R[0] = c; R[1] = 0; R[2] = s; R[3] = 0; R[4] = 1; R[5] = 0; R[6] = -s; R[7] = 0; R[8] = c;
  }
}

/**
 * Cost sum_i rho(||r_i||) / 2 of problem `b` at the pose stored at pose[po..]. With `points`,
 * only those point indices (the first `count` of them) are used.
 */
export function costAt(batch: PnPBatch, b: number, pose: ArrayLike<number>, po: number, points?: Int32Array, count?: number): number {
  loadRotation(pose, po, batch.dof);
  const { x3d, x2d, w2d, K, zMin, lb, ub, N } = batch;
  const delta = batch.delta[b]!;
  const k = b * 9;
  // M = K R and m = K t: one 3x3 product per pose instead of per point.
  const fx = K[k]!, sk = K[k + 1]!, cx = K[k + 2]!, fy = K[k + 4]!, cy = K[k + 5]!;
  const m0 = fx * R[0]! + sk * R[3]! + cx * R[6]!, m1 = fx * R[1]! + sk * R[4]! + cx * R[7]!, m2 = fx * R[2]! + sk * R[5]! + cx * R[8]!;
  const m3 = fy * R[3]! + cy * R[6]!, m4 = fy * R[4]! + cy * R[7]!, m5 = fy * R[5]! + cy * R[8]!;
  const tx = pose[po]!, ty = pose[po + 1]!, tz = pose[po + 2]!;
  const n0 = fx * tx + sk * ty + cx * tz, n1 = fy * ty + cy * tz;
  const lx = lb ? lb[b * 2]! : -Infinity, ly = lb ? lb[b * 2 + 1]! : -Infinity;
  const ux = ub ? ub[b * 2]! : Infinity, uy = ub ? ub[b * 2 + 1]! : Infinity;
  const halfDelta2 = 0.5 * delta * delta;
  const total = points ? count ?? points.length : N;
  let cost = 0;
  for (let q = 0; q < total; q++) {
    const p = b * N + (points ? points[q]! : q);
    const X = x3d[p * 3]!, Y = x3d[p * 3 + 1]!, Z = x3d[p * 3 + 2]!;
    let z = R[6]! * X + R[7]! * Y + R[8]! * Z + tz;
    if (z < zMin) z = zMin;
    let u = (m0 * X + m1 * Y + m2 * Z + n0) / z;
    let v = (m3 * X + m4 * Y + m5 * Z + n1) / z;
    // With the clamp the numerator's cz term no longer cancels: recompute from camera coordinates.
    if (z === zMin) {
      const xc = R[0]! * X + R[1]! * Y + R[2]! * Z + tx, yc = R[3]! * X + R[4]! * Y + R[5]! * Z + ty;
      u = (fx * xc + sk * yc) / z + cx;
      v = (fy * yc) / z + cy;
    }
    if (u < lx) u = lx; else if (u > ux) u = ux;
    if (v < ly) v = ly; else if (v > uy) v = uy;
    const rx = (u - x2d[p * 2]!) * w2d[p * 2]!, ry = (v - x2d[p * 2 + 1]!) * w2d[p * 2 + 1]!;
    const s2 = rx * rx + ry * ry;
    cost += s2 <= delta * delta ? 0.5 * s2 : delta * Math.sqrt(s2) - halfDelta2;
  }
  return cost;
}

/** Scratch for one point's projection and its 2 x dof Jacobian rows. */
interface Projection {
  u: number;
  v: number;
  /** d(u, v)/d(local step), rows u then v, `dof` columns each; zero rows where clipped. */
  J: Float64Array;
  /** Exact d(u, v)/d(camera point), rows u then v (for gradients w.r.t. x3d). */
  dCam: Float64Array;
}

const proj: Projection = { u: 0, v: 0, J: new Float64Array(12), dCam: new Float64Array(6) };

/** Projects point p of problem b (rotation already in R) and fills `proj`. */
function projectPoint(batch: PnPBatch, b: number, p: number, pose: ArrayLike<number>, po: number, clipJac: boolean): void {
  const { x3d, K, zMin, lb, ub, dof } = batch;
  const k = b * 9;
  const fx = K[k]!, sk = K[k + 1]!, cx = K[k + 2]!, fy = K[k + 4]!, cy = K[k + 5]!;
  const X = x3d[p * 3]!, Y = x3d[p * 3 + 1]!, Z = x3d[p * 3 + 2]!;
  const xr = R[0]! * X + R[1]! * Y + R[2]! * Z, yr = R[3]! * X + R[4]! * Y + R[5]! * Z, zr = R[6]! * X + R[7]! * Y + R[8]! * Z;
  const xc = xr + pose[po]!, yc = yr + pose[po + 1]!;
  let z = zr + pose[po + 2]!;
  const zClamped = z <= zMin;
  if (zClamped) z = zMin;
  let u = (fx * xc + sk * yc) / z + cx;
  let v = (fy * yc) / z + cy;
  let clipU = false, clipV = false;
  if (lb && ub) {
    if (u <= lb[b * 2]!) { u = lb[b * 2]!; clipU = true; } else if (u >= ub[b * 2]!) { u = ub[b * 2]!; clipU = true; }
    if (v <= lb[b * 2 + 1]!) { v = lb[b * 2 + 1]!; clipV = true; } else if (v >= ub[b * 2 + 1]!) { v = ub[b * 2 + 1]!; clipV = true; }
  }
  proj.u = u;
  proj.v = v;
  const J = proj.J, D = proj.dCam;
  const zeroU = clipJac && (zClamped || clipU);
  const zeroV = clipJac && (zClamped || clipV);
  // d(u)/d(xc, yc, zc) = [fx, s, cx - u] / z ; d(v)/d(xc, yc, zc) = [0, fy, cy - v] / z.
  const a0 = zeroU ? 0 : fx / z, a1 = zeroU ? 0 : sk / z, a2 = zeroU ? 0 : (cx - u) / z;
  const b1 = zeroV ? 0 : fy / z, b2 = zeroV ? 0 : (cy - v) / z;
  // The exact derivative for gradients: clipping zeroes an axis, the z clamp only the z column.
  D[0] = clipU ? 0 : fx / z; D[1] = clipU ? 0 : sk / z; D[2] = clipU || zClamped ? 0 : (cx - u) / z;
  D[3] = 0; D[4] = clipV ? 0 : fy / z; D[5] = clipV || zClamped ? 0 : (cy - v) / z;
  if (dof === 6) {
    // Rotation columns: a^T skew(2 x_rot) = 2 (a x x_rot).
    J[0] = a0; J[1] = a1; J[2] = a2;
    J[3] = 2 * (a1 * zr - a2 * yr); J[4] = 2 * (a2 * xr - a0 * zr); J[5] = 2 * (a0 * yr - a1 * xr);
    J[6] = 0; J[7] = b1; J[8] = b2;
    J[9] = 2 * (b1 * zr - b2 * yr); J[10] = 2 * (b2 * xr); J[11] = 2 * (-b1 * xr);
  } else {
    // d(xc, zc)/d(yaw) = (zr, -xr).
    J[0] = a0; J[1] = a1; J[2] = a2; J[3] = a0 * zr - a2 * xr;
    J[4] = 0; J[5] = b1; J[6] = b2; J[7] = -b2 * xr;
  }
}

/**
 * Accumulates the robust (IRLS-rescaled) normal equations of problem b at the pose into
 * `JtJ` [dof, dof] and `g` = J^T r [dof] (both overwritten) and returns the cost. With
 * `clipJac` false the clipped rows keep their Jacobian (EPro-PnP's fast mode).
 */
export function normalEquationsAt(
  batch: PnPBatch, b: number, pose: ArrayLike<number>, po: number, JtJ: Float64Array, g: Float64Array,
  clipJac = true, points?: Int32Array, count?: number,
): number {
  const { dof, x2d, w2d, N } = batch;
  const delta = batch.delta[b]!;
  loadRotation(pose, po, dof);
  JtJ.fill(0, 0, dof * dof);
  g.fill(0, 0, dof);
  const J = proj.J;
  const total = points ? count ?? points.length : N;
  let cost = 0;
  for (let q = 0; q < total; q++) {
    const p = b * N + (points ? points[q]! : q);
    projectPoint(batch, b, p, pose, po, clipJac);
    const wu = w2d[p * 2]!, wv = w2d[p * 2 + 1]!;
    const rx = (proj.u - x2d[p * 2]!) * wu, ry = (proj.v - x2d[p * 2 + 1]!) * wv;
    const s = Math.sqrt(rx * rx + ry * ry);
    cost += s <= delta ? 0.5 * s * s : delta * s - 0.5 * delta * delta;
    const h = huberSqrtWeight(s, delta);
    const su = wu * h, sv = wv * h;
    const ru = rx * h, rv = ry * h;
    for (let i = 0; i < dof; i++) {
      const ji = J[i]! * su, ki = J[dof + i]! * sv;
      g[i] = g[i]! + ji * ru + ki * rv;
      for (let j = 0; j <= i; j++) JtJ[i * dof + j] = JtJ[i * dof + j]! + ji * J[j]! * su + ki * J[dof + j]! * sv;
    }
  }
  for (let i = 0; i < dof; i++) for (let j = 0; j < i; j++) JtJ[j * dof + i] = JtJ[i * dof + j]!;
  return cost;
}

/**
 * Adds `weight` * d(cost)/d(x3d, x2d, w2d) of problem b at the pose into the gradient
 * buffers (full [B, N, *] layouts), holding delta fixed, and returns weight * d(cost)/d(delta)
 * so the caller can apply the adaptive-delta chain rule once per problem.
 */
export function accumulateCostGradient(
  batch: PnPBatch, b: number, pose: ArrayLike<number>, po: number, weight: number,
  gx3d: Float64Array, gx2d: Float64Array, gw2d: Float64Array,
): number {
  const { dof, x2d, w2d, N } = batch;
  const delta = batch.delta[b]!;
  loadRotation(pose, po, dof);
  const D = proj.dCam;
  let gDelta = 0;
  for (let q = 0; q < N; q++) {
    const p = b * N + q;
    projectPoint(batch, b, p, pose, po, true);
    const wu = w2d[p * 2]!, wv = w2d[p * 2 + 1]!;
    const eu = proj.u - x2d[p * 2]!, ev = proj.v - x2d[p * 2 + 1]!;
    const rx = eu * wu, ry = ev * wv;
    const s = Math.sqrt(rx * rx + ry * ry);
    // d(rho/2)/dr = r for s <= delta, delta r / s beyond; d(rho/2)/d(delta) = s - delta beyond.
    let f = weight;
    if (s > delta) {
      f = (weight * delta) / s;
      gDelta += weight * (s - delta);
    }
    const gru = f * rx, grv = f * ry;
    gw2d[p * 2] = gw2d[p * 2]! + gru * eu;
    gw2d[p * 2 + 1] = gw2d[p * 2 + 1]! + grv * ev;
    gx2d[p * 2] = gx2d[p * 2]! - gru * wu;
    gx2d[p * 2 + 1] = gx2d[p * 2 + 1]! - grv * wv;
    // d(u, v)/d(x3d) = d(u, v)/d(camera point) R.
    const gu = gru * wu, gv = grv * wv;
    const c0 = gu * D[0]!, c1 = gu * D[1]! + gv * D[4]!, c2 = gu * D[2]! + gv * D[5]!;
    gx3d[p * 3] = gx3d[p * 3]! + c0 * R[0]! + c1 * R[3]! + c2 * R[6]!;
    gx3d[p * 3 + 1] = gx3d[p * 3 + 1]! + c0 * R[1]! + c1 * R[4]! + c2 * R[7]!;
    gx3d[p * 3 + 2] = gx3d[p * 3 + 2]! + c0 * R[2]! + c1 * R[5]! + c2 * R[8]!;
  }
  return gDelta;
}
