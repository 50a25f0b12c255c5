/**
 * How well a PnP solution explains its points, judged against the noise level its weights
 * state. EPro-PnP's weights are inverse noise scales (a point of weight w is trusted to about
 * 1/w pixels; unit weights say 1 px), so at a pose that explains the points the weighted
 * residuals s_i = ||w_i ⊙ r_i|| are of order one: for Gaussian noise they are Rayleigh
 * distributed, with median sqrt(2 ln 2) = 1.1774.
 */
import { costAt } from '../cost/reprojection.js';
import type { PnPBatch } from '../problem/pnp_batch.js';

/** Median of a unit Rayleigh variable: the median ||r|| of 2-D unit Gaussian noise. */
const RAYLEIGH_MEDIAN = Math.sqrt(2 * Math.log(2));

/**
 * A fit is poor when its robust noise estimate exceeds this many noise levels and more than
 * half of the weight lies beyond the Huber threshold (the threshold scales with the points'
 * spread, so a small, distant object with pixel noise is not called poor).
 */
export const POOR_FIT_NOISE = 3;

export interface FitQuality {
  /** Weighted median of s_i over the points, weights w_u + w_v. */
  readonly medianResidual: number;
  /** Robust noise estimate in units of the stated noise: medianResidual / 1.1774 (about 1 for a good fit). */
  readonly noise: number;
  /**
   * The factor that scales (J^T J)^-1 to the residuals: noise^2, the robust (median-based)
   * estimate of the residual variance in units of the stated noise. The median ignores up to
   * half of the weight as outliers, and unlike a mean of clipped residuals it does not stop
   * growing when every point misfits.
   */
  readonly residualVariance: number;
  /** True when the fit is far above its noise level (see POOR_FIT_NOISE). */
  readonly poor: boolean;
}

/** Fit statistics of problem b at the pose stored at pose[po..]. */
export function fitQuality(batch: PnPBatch, b: number, pose: ArrayLike<number>, po: number, residuals = new Float64Array(batch.N)): FitQuality {
  const { N, w2d } = batch;
  costAt(batch, b, pose, po, undefined, undefined, residuals);
  const delta = batch.delta[b]!;
  const order: number[] = [];
  let total = 0;
  for (let p = 0; p < N; p++) {
    const w = w2d[(b * N + p) * 2]! + w2d[(b * N + p) * 2 + 1]!;
    if (w > 0) {
      order.push(p);
      total += w;
    }
  }
  order.sort((p, q) => residuals[p]! - residuals[q]!);
  let acc = 0, medianResidual = 0;
  for (const p of order) {
    acc += w2d[(b * N + p) * 2]! + w2d[(b * N + p) * 2 + 1]!;
    medianResidual = residuals[p]!;
    if (acc >= 0.5 * total) break;
  }
  const noise = medianResidual / RAYLEIGH_MEDIAN;
  return { medianResidual, noise, residualVariance: noise * noise, poor: noise > POOR_FIT_NOISE && medianResidual > delta };
}
