/**
 * Angular central Gaussian on the unit 3-sphere (Tyler 1987), EPro-PnP's rotation proposal
 * for quaternions: q = g / ||g|| with g ~ N(0, L L^T). It is antipodally symmetric, as a
 * distribution over rotations must be (q and -q are the same rotation), with density
 * p(q) = |Lambda|^-1/2 (q^T Lambda^-1 q)^-2 / area(S^3), area(S^3) = 2 pi^2.
 */
import type { data } from '@lacuna/core';

const LOG_AREA_S3 = Math.log(2 * Math.PI * Math.PI);

/** Draws one unit quaternion into out[oo..oo+4]. L is the 4x4 lower Cholesky factor at lo. */
export function sampleAcg(L: ArrayLike<number>, lo: number, rng: data.Random, out: Float64Array, oo: number): void {
  const z0 = rng.normal(), z1 = rng.normal(), z2 = rng.normal(), z3 = rng.normal();
  const g0 = L[lo]! * z0;
  const g1 = L[lo + 4]! * z0 + L[lo + 5]! * z1;
  const g2 = L[lo + 8]! * z0 + L[lo + 9]! * z1 + L[lo + 10]! * z2;
  const g3 = L[lo + 12]! * z0 + L[lo + 13]! * z1 + L[lo + 14]! * z2 + L[lo + 15]! * z3;
  const n = Math.hypot(g0, g1, g2, g3);
  if (n < 1e-6) {
    out[oo] = 1; out[oo + 1] = 0; out[oo + 2] = 0; out[oo + 3] = 0;
    return;
  }
  out[oo] = g0 / n; out[oo + 1] = g1 / n; out[oo + 2] = g2 / n; out[oo + 3] = g3 / n;
}

/** Log-density at the unit quaternion q[qo..qo+4]. */
export function logProbAcg(q: ArrayLike<number>, qo: number, L: ArrayLike<number>, lo: number): number {
  const y0 = q[qo]! / L[lo]!;
  const y1 = (q[qo + 1]! - L[lo + 4]! * y0) / L[lo + 5]!;
  const y2 = (q[qo + 2]! - L[lo + 8]! * y0 - L[lo + 9]! * y1) / L[lo + 10]!;
  const y3 = (q[qo + 3]! - L[lo + 12]! * y0 - L[lo + 13]! * y1 - L[lo + 14]! * y2) / L[lo + 15]!;
  const m = y0 * y0 + y1 * y1 + y2 * y2 + y3 * y3;
  const halfLogDet = Math.log(L[lo]! * L[lo + 5]! * L[lo + 10]! * L[lo + 15]!);
  return -2 * Math.log(m) - halfLogDet - LOG_AREA_S3;
}
