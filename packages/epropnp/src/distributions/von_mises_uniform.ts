/**
 * EPro-PnP's 4-DoF yaw proposal: a mixture of 75 % von Mises(mu, kappa) and 25 % uniform on
 * the circle, so a confident but wrong mode still leaves mass everywhere. As in the reference,
 * a batch of S samples holds exactly round(S / 4) uniform draws.
 */
import type { data } from '@lacuna/core';
import { logBesselI0 } from './special_functions.js';

export const UNIFORM_MIX = 0.25;

/** A von Mises draw by Best and Fisher's (1979) rejection algorithm, in (-pi, pi]. */
export function sampleVonMises(mu: number, kappa: number, rng: data.Random): number {
  if (!(kappa > 1e-8)) return rng.uniform(-Math.PI, Math.PI);
  // Best-Fisher loses precision for very large kappa, where von Mises is N(mu, 1/kappa).
  if (kappa > 1e6) {
    const theta = mu + rng.normal() / Math.sqrt(kappa);
    return Math.atan2(Math.sin(theta), Math.cos(theta));
  }
  const tau = 1 + Math.sqrt(1 + 4 * kappa * kappa);
  const rho = (tau - Math.sqrt(2 * tau)) / (2 * kappa);
  const r = (1 + rho * rho) / (2 * rho);
  for (;;) {
    const u1 = rng.uniform(), u2 = rng.uniform(), u3 = rng.uniform();
    const z = Math.cos(Math.PI * u1);
    const f = (1 + r * z) / (r + z);
    const c = kappa * (r - f);
    if (c * (2 - c) - u2 > 0 || Math.log(c / u2) + 1 - c >= 0) {
      const theta = mu + (u3 > 0.5 ? 1 : -1) * Math.acos(Math.max(-1, Math.min(1, f)));
      return Math.atan2(Math.sin(theta), Math.cos(theta));
    }
  }
}

/** Log-density of the mixture at angle x. */
export function logProbVonMisesUniform(x: number, mu: number, kappa: number): number {
  const vm = kappa * Math.cos(x - mu) - Math.log(2 * Math.PI) - logBesselI0(kappa) + Math.log(1 - UNIFORM_MIX);
  const un = Math.log(UNIFORM_MIX / (2 * Math.PI));
  const m = Math.max(vm, un);
  return m + Math.log(Math.exp(vm - m) + Math.exp(un - m));
}
