/**
 * Implicit shape primitives for partial-volume phantoms: approximate signed depths of
 * ellipsoids and the one-voxel linear ramp that turns a depth into a voxel's inside fraction.
 */

/** Partial volume of a boundary at signed depth `depth` (mm, > 0 inside) for voxel size h. */
export function ramp(depth: number, invH: number): number {
  const f = 0.5 + depth * invH;
  return f <= 0 ? 0 : f >= 1 ? 1 : f;
}

/**
 * Partial volume of a thin sheet of width w at distance d (mm, ≥ 0) from the voxel centre to
 * the sheet's mid-surface: the overlap of the voxel's extent [d − h/2, d + h/2] with
 * [−w/2, w/2], over h. Unlike a ramp of d − w/2 it keeps the sheet's volume when w < h.
 */
export function sheet(d: number, w: number, h: number): number {
  const overlap = Math.min(d + h / 2, w / 2) - Math.max(d - h / 2, -w / 2);
  return overlap <= 0 ? 0 : overlap >= h ? 1 : overlap / h;
}

/**
 * Approximate depth (mm, > 0 inside) below the surface of the ellipsoid with semi-axes a, b, c
 * at offset (x, y, z) from its centre: −(r − 1)/|∇r| with r the ellipsoidal radius, exact to
 * first order at the surface.
 */
export function ellipsoidDepth(x: number, y: number, z: number, a: number, b: number, c: number): number {
  const u = x / a;
  const v = y / b;
  const w = z / c;
  const r = Math.sqrt(u * u + v * v + w * w);
  const g = Math.sqrt((u * u) / (a * a) + (v * v) / (b * b) + (w * w) / (c * c));
  if (g < 1e-12) return Math.min(a, b, c);
  return ((1 - r) * r) / g;
}

/** Ellipsoids as rows of [cx, cy, cz, a, b, c] (mm, relative to the head centre). */
export type Ellipsoids = Float64Array;

/** Largest inside-fraction over a set of ellipsoids (boxes skipped when clearly outside). */
export function maxInside(e: Ellipsoids, x: number, y: number, z: number, h: number, invH: number): number {
  let best = 0;
  for (let o = 0; o < e.length; o += 6) {
    const dx = x - e[o]!;
    const dy = y - e[o + 1]!;
    const dz = z - e[o + 2]!;
    const a = e[o + 3]!;
    const b = e[o + 4]!;
    const c = e[o + 5]!;
    if (Math.abs(dx) > a + h || Math.abs(dy) > b + h || Math.abs(dz) > c + h) continue;
    const f = ramp(ellipsoidDepth(dx, dy, dz, a, b, c), invH);
    if (f > best) best = f;
  }
  return best;
}
