/**
 * The local parameterisation the solvers step in: a 6-DoF pose [x, y, z, w, i, j, k] moves by
 * a step [dx, dy, dz, dtheta1..3] as t += dt, q = normalize(q + T(q) dtheta); a 4-DoF pose
 * [x, y, z, yaw] moves by plain addition.
 */
import type { Dof } from '../problem/pnp_batch.js';

/** Pose length of a DoF: 7 for 6-DoF, 4 for 4-DoF. */
export function poseLength(dof: Dof): number {
  return dof === 6 ? 7 : 4;
}

/** out[oo..] = pose[po..] (+) step[so..]; `out` may alias `pose`. */
export function addPoseStep(
  pose: ArrayLike<number>, po: number, step: ArrayLike<number>, so: number, dof: Dof, out: Float64Array, oo: number,
): void {
  out[oo] = pose[po]! + step[so]!;
  out[oo + 1] = pose[po + 1]! + step[so + 1]!;
  out[oo + 2] = pose[po + 2]! + step[so + 2]!;
  if (dof === 4) {
    out[oo + 3] = pose[po + 3]! + step[so + 3]!;
    return;
  }
  const w = pose[po + 3]!, i = pose[po + 4]!, j = pose[po + 5]!, k = pose[po + 6]!;
  const a = step[so + 3]!, b = step[so + 4]!, c = step[so + 5]!;
  // q + T(q) dtheta with T rows [i j k; -w -k j; k -w -i; -j i -w].
  const nw = w + i * a + j * b + k * c;
  const ni = i - w * a - k * b + j * c;
  const nj = j + k * a - w * b - i * c;
  const nk = k - j * a + i * b - w * c;
  const n = Math.hypot(nw, ni, nj, nk);
  out[oo + 3] = nw / n;
  out[oo + 4] = ni / n;
  out[oo + 5] = nj / n;
  out[oo + 6] = nk / n;
}
