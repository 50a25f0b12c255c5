/**
 * The weighted reprojection cost of one problem of a {@link PnPBatch} at one pose, and the
 * pieces the solvers and the Monte Carlo loss need from it: the robust normal equations
 * J^T J and J^T r (Jacobian with respect to the local step: dt for translation, then dtheta
 * for rotation, q <- normalize(q + T(q) dtheta); or dyaw for 4-DoF), and the gradient of the
 * cost with respect to x3d, x2d and w2d. Plain loops over points: these run inside the LM
 * iterations and once per Monte Carlo sample, so they are the hot path.
 */
import type { PnPBatch } from '../problem/pnp_batch.js';
import { cauchySqrtWeight, huberSqrtWeight } from './huber.js';

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
 * only those point indices (the first `count` of them) are used. `residualsOut` [N or count],
 * when given, receives each point's weighted residual norm ||r_i||.
 */
export function costAt(batch: PnPBatch, b: number, pose: ArrayLike<number>, po: number, points?: Int32Array, count?: number, residualsOut?: Float64Array): number {
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
  const delta2 = delta * delta;
  const cauchy = batch.kernel === 'cauchy';
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
    cost += cauchy ? 0.5 * delta2 * Math.log1p(s2 / delta2) : s2 <= delta2 ? 0.5 * s2 : delta * Math.sqrt(s2) - halfDelta2;
    if (residualsOut) residualsOut[q] = Math.sqrt(s2);
  }
  return cost;
}

/** Scratch for one point's projection and its 2 x dof Jacobian rows. */
interface Projection {
  u: number;
  v: number;
  /** d(u, v)/d(local step), rows u then v, `dof` columns each; zero rows where clipped. */
  J: Float64Array;
}

const proj: Projection = { u: 0, v: 0, J: new Float64Array(12) };

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
  const J = proj.J;
  const zeroU = clipJac && (zClamped || clipU);
  const zeroV = clipJac && (zClamped || clipV);
  // d(u)/d(xc, yc, zc) = [fx, s, cx - u] / z ; d(v)/d(xc, yc, zc) = [0, fy, cy - v] / z.
  const a0 = zeroU ? 0 : fx / z, a1 = zeroU ? 0 : sk / z, a2 = zeroU ? 0 : (cx - u) / z;
  const b1 = zeroV ? 0 : fy / z, b2 = zeroV ? 0 : (cy - v) / z;
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
  if (batch.dof === 6) return normalEquations6(batch, b, pose, po, JtJ, g, clipJac, points, count);
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
    let h: number;
    if (batch.kernel === 'cauchy') {
      cost += 0.5 * delta * delta * Math.log1p((s * s) / (delta * delta));
      h = cauchySqrtWeight(s, delta);
    } else {
      cost += s <= delta ? 0.5 * s * s : delta * s - 0.5 * delta * delta;
      h = huberSqrtWeight(s, delta);
    }
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
 * The 6-DoF normal equations with every quantity in a local variable: this is the solver's
 * innermost loop, and V8 keeps the 27 accumulators in registers.
 */
function normalEquations6(
  batch: PnPBatch, b: number, pose: ArrayLike<number>, po: number, JtJ: Float64Array, g: Float64Array,
  clipJac: boolean, points: Int32Array | undefined, count: number | undefined,
): number {
  const { x3d, x2d, w2d, K, zMin, lb, ub, N } = batch;
  const delta = batch.delta[b]!;
  const delta2 = delta * delta;
  const cauchy = batch.kernel === 'cauchy';
  loadRotation(pose, po, 6);
  const r0 = R[0]!, r1 = R[1]!, r2 = R[2]!, r3 = R[3]!, r4 = R[4]!, r5 = R[5]!, r6 = R[6]!, r7 = R[7]!, r8 = R[8]!;
  const tx = pose[po]!, ty = pose[po + 1]!, tz = pose[po + 2]!;
  const k = b * 9;
  const fx = K[k]!, sk = K[k + 1]!, cx = K[k + 2]!, fy = K[k + 4]!, cy = K[k + 5]!;
  const lx = lb ? lb[b * 2]! : -Infinity, ly = lb ? lb[b * 2 + 1]! : -Infinity;
  const ux = ub ? ub[b * 2]! : Infinity, uy = ub ? ub[b * 2 + 1]! : Infinity;
  let h00 = 0, h10 = 0, h11 = 0, h20 = 0, h21 = 0, h22 = 0, h30 = 0, h31 = 0, h32 = 0, h33 = 0;
  let h40 = 0, h41 = 0, h42 = 0, h43 = 0, h44 = 0, h50 = 0, h51 = 0, h52 = 0, h53 = 0, h54 = 0, h55 = 0;
  let g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0;
  let cost = 0;
  const total = points ? count ?? points.length : N;
  for (let q = 0; q < total; q++) {
    const p = b * N + (points ? points[q]! : q);
    const X = x3d[p * 3]!, Y = x3d[p * 3 + 1]!, Z = x3d[p * 3 + 2]!;
    const xr = r0 * X + r1 * Y + r2 * Z, yr = r3 * X + r4 * Y + r5 * Z, zr = r6 * X + r7 * Y + r8 * Z;
    const xc = xr + tx, yc = yr + ty;
    let z = zr + tz;
    const zClamped = z <= zMin;
    if (zClamped) z = zMin;
    const iz = 1 / z;
    let u = (fx * xc + sk * yc) * iz + cx;
    let v = fy * yc * iz + cy;
    let clipU = zClamped, clipV = zClamped;
    if (u <= lx) { u = lx; clipU = true; } else if (u >= ux) { u = ux; clipU = true; }
    if (v <= ly) { v = ly; clipV = true; } else if (v >= uy) { v = uy; clipV = true; }
    const wu = w2d[p * 2]!, wv = w2d[p * 2 + 1]!;
    const rx = (u - x2d[p * 2]!) * wu, ry = (v - x2d[p * 2 + 1]!) * wv;
    const s2 = rx * rx + ry * ry;
    let hw = 1;
    if (cauchy) {
      const ratio = s2 / delta2;
      cost += 0.5 * delta2 * Math.log1p(ratio);
      hw = 1 / Math.sqrt(1 + ratio);
    } else if (s2 <= delta2) {
      cost += 0.5 * s2;
    } else {
      const s = Math.sqrt(s2);
      cost += delta * s - 0.5 * delta * delta;
      hw = Math.sqrt(delta / s);
    }
    const su = clipJac && clipU ? 0 : wu * hw, sv = clipJac && clipV ? 0 : wv * hw;
    const ru = rx * hw, rv = ry * hw;
    // Rescaled rows: [a0 a1 a2 | 2 a x x_rot] and [0 b1 b2 | 2 b x x_rot].
    const a0 = fx * iz * su, a1 = sk * iz * su, a2 = (cx - u) * iz * su;
    const b1 = fy * iz * sv, b2 = (cy - v) * iz * sv;
    const a3 = 2 * (a1 * zr - a2 * yr), a4 = 2 * (a2 * xr - a0 * zr), a5 = 2 * (a0 * yr - a1 * xr);
    const b3 = 2 * (b1 * zr - b2 * yr), b4 = 2 * b2 * xr, b5 = -2 * b1 * xr;
    h00 += a0 * a0; h10 += a1 * a0; h11 += a1 * a1 + b1 * b1;
    h20 += a2 * a0; h21 += a2 * a1 + b2 * b1; h22 += a2 * a2 + b2 * b2;
    h30 += a3 * a0; h31 += a3 * a1 + b3 * b1; h32 += a3 * a2 + b3 * b2; h33 += a3 * a3 + b3 * b3;
    h40 += a4 * a0; h41 += a4 * a1 + b4 * b1; h42 += a4 * a2 + b4 * b2; h43 += a4 * a3 + b4 * b3; h44 += a4 * a4 + b4 * b4;
    h50 += a5 * a0; h51 += a5 * a1 + b5 * b1; h52 += a5 * a2 + b5 * b2; h53 += a5 * a3 + b5 * b3; h54 += a5 * a4 + b5 * b4; h55 += a5 * a5 + b5 * b5;
    g0 += a0 * ru; g1 += a1 * ru + b1 * rv; g2 += a2 * ru + b2 * rv;
    g3 += a3 * ru + b3 * rv; g4 += a4 * ru + b4 * rv; g5 += a5 * ru + b5 * rv;
  }
  JtJ[0] = h00; JtJ[1] = h10; JtJ[2] = h20; JtJ[3] = h30; JtJ[4] = h40; JtJ[5] = h50;
  JtJ[6] = h10; JtJ[7] = h11; JtJ[8] = h21; JtJ[9] = h31; JtJ[10] = h41; JtJ[11] = h51;
  JtJ[12] = h20; JtJ[13] = h21; JtJ[14] = h22; JtJ[15] = h32; JtJ[16] = h42; JtJ[17] = h52;
  JtJ[18] = h30; JtJ[19] = h31; JtJ[20] = h32; JtJ[21] = h33; JtJ[22] = h43; JtJ[23] = h53;
  JtJ[24] = h40; JtJ[25] = h41; JtJ[26] = h42; JtJ[27] = h43; JtJ[28] = h44; JtJ[29] = h54;
  JtJ[30] = h50; JtJ[31] = h51; JtJ[32] = h52; JtJ[33] = h53; JtJ[34] = h54; JtJ[35] = h55;
  g[0] = g0; g[1] = g1; g[2] = g2; g[3] = g3; g[4] = g4; g[5] = g5;
  return cost;
}

/**
 * Adds sum_j weights[j] * d(cost at pose j)/d(x3d, x2d, w2d) of problem b into the gradient
 * buffers (full [B, N, *] layouts), holding delta fixed, and returns
 * sum_j weights[j] * d(cost at pose j)/d(delta) so the caller can apply the adaptive-delta
 * chain rule once per problem. `poses` holds `count` poses of the batch's layout. The loop runs
 * points outside and poses inside, so each point's seven gradient sums stay in registers.
 */
export function accumulateCostGradient(
  batch: PnPBatch, b: number, poses: ArrayLike<number>, weights: ArrayLike<number>, count: number,
  gx3d: Float64Array, gx2d: Float64Array, gw2d: Float64Array,
): number {
  const { dof, x3d, x2d, w2d, K, zMin, lb, ub, N } = batch;
  const cauchy = batch.kernel === 'cauchy';
  const len = dof === 6 ? 7 : 4;
  const delta = batch.delta[b]!;
  // Per pose: R (9), t (3) and the weight, packed for the inner loop.
  const P = new Float64Array(count * 13);
  for (let j = 0; j < count; j++) {
    loadRotation(poses, j * len, dof);
    P.set(R, j * 13);
    P[j * 13 + 9] = poses[j * len]!;
    P[j * 13 + 10] = poses[j * len + 1]!;
    P[j * 13 + 11] = poses[j * len + 2]!;
    P[j * 13 + 12] = weights[j]!;
  }
  const k = b * 9;
  const fx = K[k]!, sk = K[k + 1]!, cx = K[k + 2]!, fy = K[k + 4]!, cy = K[k + 5]!;
  const lx = lb ? lb[b * 2]! : -Infinity, ly = lb ? lb[b * 2 + 1]! : -Infinity;
  const ux = ub ? ub[b * 2]! : Infinity, uy = ub ? ub[b * 2 + 1]! : Infinity;
  const delta2 = delta * delta;
  let gDelta = 0;
  for (let p = b * N; p < (b + 1) * N; p++) {
    const X = x3d[p * 3]!, Y = x3d[p * 3 + 1]!, Z = x3d[p * 3 + 2]!;
    const wu = w2d[p * 2]!, wv = w2d[p * 2 + 1]!;
    const pu = x2d[p * 2]!, pv = x2d[p * 2 + 1]!;
    let gX = 0, gY = 0, gZ = 0, gPu = 0, gPv = 0, gWu = 0, gWv = 0;
    for (let o = 0; o < count * 13; o += 13) {
      const r0 = P[o]!, r1 = P[o + 1]!, r2 = P[o + 2]!, r3 = P[o + 3]!, r4 = P[o + 4]!, r5 = P[o + 5]!;
      const r6 = P[o + 6]!, r7 = P[o + 7]!, r8 = P[o + 8]!;
      const xc = r0 * X + r1 * Y + r2 * Z + P[o + 9]!, yc = r3 * X + r4 * Y + r5 * Z + P[o + 10]!;
      let z = r6 * X + r7 * Y + r8 * Z + P[o + 11]!;
      const zClamped = z <= zMin;
      if (zClamped) z = zMin;
      const iz = 1 / z;
      let u = (fx * xc + sk * yc) * iz + cx;
      let v = fy * yc * iz + cy;
      let clipU = false, clipV = false;
      if (u <= lx) { u = lx; clipU = true; } else if (u >= ux) { u = ux; clipU = true; }
      if (v <= ly) { v = ly; clipV = true; } else if (v >= uy) { v = uy; clipV = true; }
      const eu = u - pu, ev = v - pv;
      const rx = eu * wu, ry = ev * wv;
      const s2 = rx * rx + ry * ry;
      // Huber: d(rho/2)/dr = r for s <= delta, delta r / s beyond; d(rho/2)/d(delta) = s - delta beyond.
      // Cauchy, rho/2 = (delta^2 / 2) log(1 + q), q = s^2 / delta^2: d/dr = r / (1 + q),
      // d/d(delta) = delta log(1 + q) - s^2 / (delta (1 + q)).
      const weight = P[o + 12]!;
      let f = weight;
      if (cauchy) {
        const q = s2 / delta2;
        f = weight / (1 + q);
        gDelta += weight * (delta * Math.log1p(q) - s2 / (delta * (1 + q)));
      } else if (s2 > delta2) {
        const s = Math.sqrt(s2);
        f = (weight * delta) / s;
        gDelta += weight * (s - delta);
      }
      const gru = f * rx, grv = f * ry;
      gWu += gru * eu;
      gWv += grv * ev;
      gPu -= gru * wu;
      gPv -= grv * wv;
      // Exact d(u, v)/d(camera point): clipping zeroes an axis, the z clamp only the z column;
      // then d/d(x3d) = d/d(camera point) R.
      const gu = clipU ? 0 : gru * wu * iz, gv = clipV ? 0 : grv * wv * iz;
      const c0 = gu * fx, c1 = gu * sk + gv * fy;
      const c2 = zClamped ? 0 : gu * (cx - u) + gv * (cy - v);
      gX += c0 * r0 + c1 * r3 + c2 * r6;
      gY += c0 * r1 + c1 * r4 + c2 * r7;
      gZ += c0 * r2 + c1 * r5 + c2 * r8;
    }
    gx3d[p * 3] = gx3d[p * 3]! + gX;
    gx3d[p * 3 + 1] = gx3d[p * 3 + 1]! + gY;
    gx3d[p * 3 + 2] = gx3d[p * 3 + 2]! + gZ;
    gx2d[p * 2] = gx2d[p * 2]! + gPu;
    gx2d[p * 2 + 1] = gx2d[p * 2 + 1]! + gPv;
    gw2d[p * 2] = gw2d[p * 2]! + gWu;
    gw2d[p * 2 + 1] = gw2d[p * 2 + 1]! + gWv;
  }
  return gDelta;
}
