/**
 * The Huber robust kernel of EPro-PnP's `AdaptiveHuberPnPCost`. Per point, with the weighted
 * residual r_i = w2d_i * (pi(R x3d_i + t) - x2d_i) and s_i = ||r_i||:
 *   rho(s) / 2 = s^2 / 2 if s <= delta, else delta * s - delta^2 / 2,
 * and the problem's cost is sum_i rho(s_i) / 2. The adaptive threshold scales with the
 * weights and the spread of the 2D points, so the same relative_delta fits any image size:
 *   delta = mean(w2d) * max(sqrt(sum_axis var(x2d)), minSpread) * relative_delta   (var unbiased, as torch.var).
 * The floor `minSpread` (pixels, tied to the camera's focal length by the batch) is ours: without
 * it, 2-D points that all coincide give delta = 0, a cost that is zero for every pose, and a
 * "solution" whose real reprojection error is hundreds of pixels.
 */

/** The spread floor as a fraction of the focal length (px): 0.01 f is 5.7 px for LineMOD's camera. */
export const MIN_SPREAD_OF_FOCAL = 0.01;

/** EPro-PnP's training default (relative_delta = 0.1 in its 6-DoF train.py; 0.5 is the class default). */
export const DEFAULT_RELATIVE_DELTA = 0.1;

/** rho(s) / 2 for s = ||r|| >= 0. */
export function huberHalfRho(s: number, delta: number): number {
  return s <= delta ? 0.5 * s * s : delta * s - 0.5 * delta * delta;
}

/**
 * sqrt(rho'(s)) with rho' the IRLS weight min(1, delta / s): residuals and Jacobian rows are
 * scaled by it so Gauss-Newton on the rescaled system minimises the Huber cost.
 */
export function huberSqrtWeight(s: number, delta: number, eps = 1e-10): number {
  return Math.sqrt(Math.min(1, delta / Math.max(s, eps)));
}

/**
 * The Cauchy kernel's sqrt(rho'(s^2)) = 1 / sqrt(1 + s^2 / c^2), c = delta: its cost
 * (c^2 / 2) log(1 + s^2 / c^2) grows only logarithmically, so gross outliers barely pull.
 */
export function cauchySqrtWeight(s: number, c: number): number {
  return 1 / Math.sqrt(1 + (s * s) / (c * c));
}

/**
 * Adaptive delta of one problem: x2d [N, 2] and w2d [N, 2] flat at offsets `o2` (points) for
 * n points. Also returns the pieces its gradient needs.
 */
export function adaptiveDelta(
  x2d: ArrayLike<number>,
  w2d: ArrayLike<number>,
  o2: number,
  n: number,
  relativeDelta: number,
  minSpread = 0,
): { delta: number; meanW: number; std: number; meanX: number; meanY: number; floored: boolean } {
  let sx = 0, sy = 0, sw = 0;
  for (let p = 0; p < n; p++) {
    sx += x2d[o2 + p * 2]!;
    sy += x2d[o2 + p * 2 + 1]!;
    sw += w2d[o2 + p * 2]! + w2d[o2 + p * 2 + 1]!;
  }
  const meanX = sx / n, meanY = sy / n, meanW = sw / (2 * n);
  let vx = 0, vy = 0;
  for (let p = 0; p < n; p++) {
    const dx = x2d[o2 + p * 2]! - meanX, dy = x2d[o2 + p * 2 + 1]! - meanY;
    vx += dx * dx;
    vy += dy * dy;
  }
  const spread = n > 1 ? Math.sqrt((vx + vy) / (n - 1)) : 0;
  const floored = !(spread >= minSpread);
  const std = floored ? minSpread : spread;
  return { delta: meanW * std * relativeDelta, meanW, std, meanX, meanY, floored };
}

/**
 * Adds dL/d(delta) * d(delta)/d(x2d, w2d) into the gradient buffers of one problem (the
 * chain rule through the adaptive threshold).
 */
export function accumulateDeltaGradient(
  gDelta: number,
  x2d: ArrayLike<number>,
  o2: number,
  n: number,
  relativeDelta: number,
  stats: { meanW: number; std: number; meanX: number; meanY: number; floored: boolean },
  gx2d: Float64Array,
  gw2d: Float64Array,
): void {
  if (gDelta === 0) return;
  const dW = (gDelta * relativeDelta * stats.std) / (2 * n);
  // At the floor the spread is a constant: no gradient reaches x2d through it.
  const dX = stats.std > 0 && !stats.floored ? (gDelta * relativeDelta * stats.meanW) / (stats.std * (n - 1)) : 0;
  for (let p = 0; p < n; p++) {
    gw2d[o2 + p * 2] = gw2d[o2 + p * 2]! + dW;
    gw2d[o2 + p * 2 + 1] = gw2d[o2 + p * 2 + 1]! + dW;
    gx2d[o2 + p * 2] = gx2d[o2 + p * 2]! + dX * (x2d[o2 + p * 2]! - stats.meanX);
    gx2d[o2 + p * 2 + 1] = gx2d[o2 + p * 2 + 1]! + dX * (x2d[o2 + p * 2 + 1]! - stats.meanY);
  }
}
