/**
 * Rotations as unit quaternions [w, i, j, k] (Hamilton convention, scalar first, as in
 * EPro-PnP), 3x3 matrices (row-major, 9 numbers) and yaw angles about the camera's Y axis
 * (the 4-DoF case). A rotation maps object coordinates to camera coordinates:
 * x_cam = R x_obj + t.
 */

/** Row-major 3x3 rotation matrix of the unit quaternion q = [w, i, j, k] at `q[o..o+4]`. */
export function quaternionToMatrix(q: ArrayLike<number>, out: Float64Array = new Float64Array(9), o = 0): Float64Array {
  const w = q[o]!, i = q[o + 1]!, j = q[o + 2]!, k = q[o + 3]!;
  out[0] = 1 - 2 * (j * j + k * k); out[1] = 2 * (i * j - k * w); out[2] = 2 * (i * k + j * w);
  out[3] = 2 * (i * j + k * w); out[4] = 1 - 2 * (i * i + k * k); out[5] = 2 * (j * k - i * w);
  out[6] = 2 * (i * k - j * w); out[7] = 2 * (j * k + i * w); out[8] = 1 - 2 * (i * i + j * j);
  return out;
}

/**
 * Unit quaternion [w, i, j, k] of a rotation matrix (Shepperd's method: branch on the largest
 * diagonal term so the square root is never of a small number). The sign is chosen with w >= 0.
 */
export function matrixToQuaternion(r: ArrayLike<number>, out: Float64Array = new Float64Array(4)): Float64Array {
  const m00 = r[0]!, m01 = r[1]!, m02 = r[2]!, m10 = r[3]!, m11 = r[4]!, m12 = r[5]!, m20 = r[6]!, m21 = r[7]!, m22 = r[8]!;
  const trace = m00 + m11 + m22;
  let w: number, i: number, j: number, k: number;
  if (trace > 0) {
    const s = 2 * Math.sqrt(1 + trace);
    w = s / 4; i = (m21 - m12) / s; j = (m02 - m20) / s; k = (m10 - m01) / s;
  } else if (m00 > m11 && m00 > m22) {
    const s = 2 * Math.sqrt(1 + m00 - m11 - m22);
    w = (m21 - m12) / s; i = s / 4; j = (m01 + m10) / s; k = (m02 + m20) / s;
  } else if (m11 > m22) {
    const s = 2 * Math.sqrt(1 + m11 - m00 - m22);
    w = (m02 - m20) / s; i = (m01 + m10) / s; j = s / 4; k = (m12 + m21) / s;
  } else {
    const s = 2 * Math.sqrt(1 + m22 - m00 - m11);
    w = (m10 - m01) / s; i = (m02 + m20) / s; j = (m12 + m21) / s; k = s / 4;
  }
  const sign = w < 0 ? -1 : 1;
  const n = sign / Math.hypot(w, i, j, k);
  out[0] = w * n; out[1] = i * n; out[2] = j * n; out[3] = k * n;
  return out;
}

/** Rotation by `yaw` radians about the camera's Y axis: [[c,0,s],[0,1,0],[-s,0,c]]. */
export function yawToMatrix(yaw: number, out: Float64Array = new Float64Array(9)): Float64Array {
  const c = Math.cos(yaw), s = Math.sin(yaw);
  out[0] = c; out[1] = 0; out[2] = s;
  out[3] = 0; out[4] = 1; out[5] = 0;
  out[6] = -s; out[7] = 0; out[8] = c;
  return out;
}

/** Normalises q[o..o+4] in place; a zero quaternion becomes the identity [1, 0, 0, 0]. */
export function normalizeQuaternion(q: Float64Array, o = 0): void {
  const n = Math.hypot(q[o]!, q[o + 1]!, q[o + 2]!, q[o + 3]!);
  if (!(n > 1e-12)) {
    q[o] = 1; q[o + 1] = 0; q[o + 2] = 0; q[o + 3] = 0;
    return;
  }
  q[o] = q[o]! / n; q[o + 1] = q[o + 1]! / n; q[o + 2] = q[o + 2]! / n; q[o + 3] = q[o + 3]! / n;
}

/**
 * The 4x3 matrix T(q) (row-major, 12 numbers) mapping a local rotation step dtheta in the
 * tangent space to the quaternion's embedding: q + T(q) dtheta, then normalise. This is
 * q <- (0, -dtheta) * q, so a camera-frame point R x moves by 2 (R x) x dtheta, whose Jacobian
 * is skew(2 R x) (EPro-PnP's `get_quaternion_transfrom_mat`, with its sign convention).
 */
export function quaternionTangent(q: ArrayLike<number>, o = 0, out: Float64Array = new Float64Array(12)): Float64Array {
  const w = q[o]!, i = q[o + 1]!, j = q[o + 2]!, k = q[o + 3]!;
  out[0] = i; out[1] = j; out[2] = k;
  out[3] = -w; out[4] = -k; out[5] = j;
  out[6] = k; out[7] = -w; out[8] = -i;
  out[9] = -j; out[10] = i; out[11] = -w;
  return out;
}

/** Angle in degrees between two rotations given as unit quaternions (sign-invariant). */
export function quaternionAngleDeg(a: ArrayLike<number>, b: ArrayLike<number>, ao = 0, bo = 0): number {
  const d = Math.abs(a[ao]! * b[bo]! + a[ao + 1]! * b[bo + 1]! + a[ao + 2]! * b[bo + 2]! + a[ao + 3]! * b[bo + 3]!);
  return (2 * Math.acos(Math.min(1, d)) * 180) / Math.PI;
}

/** Angle in degrees between two rotation matrices: arccos((trace(Ra^T Rb) - 1) / 2). */
export function rotationAngleDeg(ra: ArrayLike<number>, rb: ArrayLike<number>): number {
  let tr = 0;
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) tr += ra[r * 3 + c]! * rb[r * 3 + c]!;
  return (Math.acos(Math.max(-1, Math.min(1, (tr - 1) / 2))) * 180) / Math.PI;
}
