/**
 * Multivariate Student-t in 3-D with scale matrix L L^T (L lower Cholesky, row-major 9
 * numbers): EPro-PnP's translation proposal, 3 degrees of freedom by default, whose heavy
 * tails keep the importance weights bounded when the Gaussian fit at the LM solution is too
 * narrow.
 */
import type { data } from '@lacuna/core';
import { logGamma } from './special_functions.js';

export const STUDENT_T_DOF = 3;

/** Draws one sample mu + L z sqrt(nu / chi2_nu) into out[oo..oo+3]. */
export function sampleStudentT3(mu: ArrayLike<number>, mo: number, L: ArrayLike<number>, lo: number, nu: number, rng: data.Random, out: Float64Array, oo: number): void {
  const z0 = rng.normal(), z1 = rng.normal(), z2 = rng.normal();
  const chi2 = 2 * rng.gamma(nu / 2);
  const s = Math.sqrt(nu / chi2);
  out[oo] = mu[mo]! + s * L[lo]! * z0;
  out[oo + 1] = mu[mo + 1]! + s * (L[lo + 3]! * z0 + L[lo + 4]! * z1);
  out[oo + 2] = mu[mo + 2]! + s * (L[lo + 6]! * z0 + L[lo + 7]! * z1 + L[lo + 8]! * z2);
}

/** Log-density at x[xo..xo+3]. */
export function logProbStudentT3(x: ArrayLike<number>, xo: number, mu: ArrayLike<number>, mo: number, L: ArrayLike<number>, lo: number, nu: number): number {
  // y = L^-1 (x - mu) by forward substitution.
  const d0 = x[xo]! - mu[mo]!, d1 = x[xo + 1]! - mu[mo + 1]!, d2 = x[xo + 2]! - mu[mo + 2]!;
  const y0 = d0 / L[lo]!;
  const y1 = (d1 - L[lo + 3]! * y0) / L[lo + 4]!;
  const y2 = (d2 - L[lo + 6]! * y0 - L[lo + 7]! * y1) / L[lo + 8]!;
  const m = y0 * y0 + y1 * y1 + y2 * y2;
  const halfLogDet = Math.log(L[lo]!) + Math.log(L[lo + 4]!) + Math.log(L[lo + 8]!);
  return studentT3Constant(nu) - halfLogDet - 0.5 * (nu + 3) * Math.log1p(m / nu);
}

const constants = new Map<number, number>();

/** lgamma((nu + d) / 2) - lgamma(nu / 2) - d/2 log(nu pi) for d = 3. */
function studentT3Constant(nu: number): number {
  let c = constants.get(nu);
  if (c === undefined) {
    c = logGamma((nu + 3) / 2) - logGamma(nu / 2) - 1.5 * Math.log(nu * Math.PI);
    constants.set(nu, c);
  }
  return c;
}
