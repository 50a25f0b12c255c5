/**
 * FCOS3D's dense training targets at one output level. Location (i, j) sits at pixel
 * (j·s + (s−1)/2, i·s + (s−1)/2) for stride s. A location is positive for an object when it lies
 * within `radius` strides of the object's projected 3-D centre (FCOS3D's centre sampling) and
 * inside the object's projected 3-D box; the location holding the projected centre is always
 * positive. A location claimed by several objects goes to the one whose projected centre is
 * nearest, as in FCOS3D, so an object partly hidden behind another keeps its own centre cell. Centerness is exp(−2.5 · (Δu² + Δv²)) in strides, as in
 * FCOS3D.
 */
import type { Intrinsics } from '../geometry/camera.js';
import { boxCorners, observationAngle, type Box3D } from './box3d.js';

export interface DenseTargets {
  /** Output grid. */
  readonly rows: number;
  readonly cols: number;
  /** [B, h, w, C] one-hot class targets (all zero off the objects). */
  readonly classes: Float32Array;
  /** [B, h, w] 1 at positive locations. */
  readonly positive: Float32Array;
  /** [B, h, w] centerness target. */
  readonly centerness: Float32Array;
  /** [B, h, w, 12] du, dv, log z, log size ratio (3), sin α, cos α, log 2-D box distances (4). */
  readonly regression: Float32Array;
  /** Positive locations in the batch. */
  readonly positives: number;
}

export interface TargetOptions {
  readonly classes: readonly string[];
  readonly meanSizes: Readonly<Record<string, readonly [number, number, number]>>;
  readonly intrinsics: Intrinsics;
  readonly width: number;
  readonly height: number;
  readonly stride: number;
  /** Centre-sampling radius in strides. Default 1.5. */
  readonly radius?: number;
}

/** The projected box of a 3-D box's corners [u0, v0, u1, v1] and its projected centre [u, v]. */
export function projectBox(box: Box3D, K: Intrinsics): { centre: [number, number]; box2d: [number, number, number, number] } {
  const c = boxCorners(box);
  let u0 = Infinity, v0 = Infinity, u1 = -Infinity, v1 = -Infinity;
  for (let k = 0; k < 8; k++) {
    const z = c[k * 3 + 2]!;
    const u = (K.fx * c[k * 3]! + (K.s ?? 0) * c[k * 3 + 1]!) / z + K.cx, v = (K.fy * c[k * 3 + 1]!) / z + K.cy;
    u0 = Math.min(u0, u); u1 = Math.max(u1, u); v0 = Math.min(v0, v); v1 = Math.max(v1, v);
  }
  const [x, y, z] = box.centre;
  return { centre: [(K.fx * x + (K.s ?? 0) * y) / z + K.cx, (K.fy * y) / z + K.cy], box2d: [u0, v0, u1, v1] };
}

/** Targets for a batch of images' boxes. */
export function denseTargets(batch: readonly (readonly Box3D[])[], o: TargetOptions): DenseTargets {
  const s = o.stride, rows = Math.floor(o.height / s), cols = Math.floor(o.width / s), C = o.classes.length, B = batch.length;
  const radius = o.radius ?? 1.5;
  const n = B * rows * cols;
  const classes = new Float32Array(n * C), positive = new Float32Array(n), centerness = new Float32Array(n), regression = new Float32Array(n * 12);
  const claim = new Float32Array(n).fill(Infinity); // squared distance (strides) to the centre holding each location
  let positives = 0;
  const offset = (s - 1) / 2;
  batch.forEach((boxes, b) => {
    for (const box of boxes) {
      const cls = o.classes.indexOf(box.label);
      if (cls < 0) continue;
      const { centre: [uc, vc], box2d: [u0, v0, u1, v1] } = projectBox(box, o.intrinsics);
      const z = box.centre[2];
      const mean = o.meanSizes[box.label]!;
      const alpha = observationAngle(box.yaw, box.centre);
      const ic = Math.round((vc - offset) / s), jc = Math.round((uc - offset) / s);
      const iLo = Math.max(0, Math.ceil((vc - radius * s - offset) / s)), iHi = Math.min(rows - 1, Math.floor((vc + radius * s - offset) / s));
      const jLo = Math.max(0, Math.ceil((uc - radius * s - offset) / s)), jHi = Math.min(cols - 1, Math.floor((uc + radius * s - offset) / s));
      for (let i = Math.min(iLo, ic); i <= Math.max(iHi, ic); i++) {
        for (let j = Math.min(jLo, jc); j <= Math.max(jHi, jc); j++) {
          if (i < 0 || j < 0 || i >= rows || j >= cols) continue;
          const u = j * s + offset, v = i * s + offset;
          const isCentre = i === ic && j === jc;
          if (!isCentre && !(u >= u0 && u <= u1 && v >= v0 && v <= v1 && Math.abs(u - uc) <= radius * s && Math.abs(v - vc) <= radius * s)) continue;
          const p = (b * rows + i) * cols + j;
          const du = (uc - u) / s, dv = (vc - v) / s;
          if (!(du * du + dv * dv < claim[p]!)) continue;
          if (!(claim[p]! < Infinity)) positives++;
          claim[p] = du * du + dv * dv;
          classes.fill(0, p * C, p * C + C);
          classes[p * C + cls] = 1;
          positive[p] = 1;
          centerness[p] = Math.exp(-2.5 * (du * du + dv * dv));
          // Distances to the 2-D box, at least half a pixel (a location on or outside an edge: the centre cell of a thin object).
          const dist = (d: number) => Math.log(Math.max(d, 0.5) / s);
          regression.set([du, dv, Math.log(z), Math.log(box.size[0] / mean[0]), Math.log(box.size[1] / mean[1]), Math.log(box.size[2] / mean[2]), Math.sin(alpha), Math.cos(alpha), dist(u - u0), dist(v - v0), dist(u1 - u), dist(v1 - v)], p * 12);
        }
      }
    }
  });
  return { rows, cols, classes, positive, centerness, regression, positives };
}
