/**
 * Pinhole cameras. A camera is its 3x3 intrinsic matrix K (row-major), a near-plane clamp
 * z_min (points nearer than that are projected as if at z_min, and their Jacobian rows are
 * zero) and optional image bounds [lb, ub] in pixels: projections are clipped to the bounds,
 * again with zero Jacobian rows, as in EPro-PnP's `PerspectiveCamera`. Clipping keeps a wild
 * pose sample from producing huge residuals that would swamp the cost.
 */
import { ValueError } from '@lacuna/core';
import { quaternionToMatrix, yawToMatrix } from './rotation.js';

export interface Camera {
  /** Intrinsic matrix, row-major [fx, s, cx, 0, fy, cy, 0, 0, 1]. */
  readonly K: Float64Array;
  /** Depth below which projection clamps (same units as the translation). Default 0.01. */
  readonly zMin: number;
  /** Lower image bound [x, y] in pixels, or undefined for no clipping. */
  readonly lb?: readonly [number, number];
  /** Upper image bound [x, y] in pixels. */
  readonly ub?: readonly [number, number];
}

export interface Intrinsics {
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  /** Skew, default 0. */
  s?: number;
}

/** LineMOD's Kinect intrinsics (Hinterstoisser et al. 2012), 640x480 images. */
export const LINEMOD_INTRINSICS: Readonly<Intrinsics> = { fx: 572.4114, fy: 573.57043, cx: 325.2611, cy: 242.04899 };

export interface CameraOptions {
  zMin?: number;
  /** Clip projections to [lb, ub]. */
  lb?: readonly [number, number];
  ub?: readonly [number, number];
  /**
   * Clip to an image of this [height, width] enlarged by `allowedBorder` pixels on each side
   * (EPro-PnP's default 200). Ignored when lb/ub are given.
   */
  imageShape?: readonly [number, number];
  allowedBorder?: number;
}

/** A camera from intrinsics (or a 3x3 camera matrix, row-major, as OpenCV users hold it). */
export function makeCamera(intrinsics: Intrinsics | ArrayLike<number>, options: CameraOptions = {}): Camera {
  let K: Float64Array;
  if ('fx' in (intrinsics as Intrinsics)) {
    const k = intrinsics as Intrinsics;
    K = Float64Array.of(k.fx, k.s ?? 0, k.cx, 0, k.fy, k.cy, 0, 0, 1);
  } else {
    const m = intrinsics as ArrayLike<number>;
    if (m.length !== 9) throw new ValueError(`makeCamera: a camera matrix has 9 numbers (3x3 row-major), got ${m.length}`);
    K = Float64Array.from(m);
  }
  for (let i = 0; i < 9; i++) if (!Number.isFinite(K[i]!)) throw new ValueError(`makeCamera: camera matrix entry ${i} is ${K[i]}`);
  if (!(K[0]! > 0 && K[4]! > 0)) throw new ValueError(`makeCamera: focal lengths must be positive, got fx=${K[0]}, fy=${K[4]}`);
  if (K[6] !== 0 || K[7] !== 0 || K[8] !== 1) throw new ValueError(`makeCamera: the camera matrix's last row must be [0, 0, 1], got [${K[6]}, ${K[7]}, ${K[8]}]`);
  const zMin = options.zMin ?? 0.01;
  if (!(zMin > 0)) throw new ValueError(`makeCamera: zMin must be positive, got ${zMin}`);
  let lb = options.lb;
  let ub = options.ub;
  if (!lb && !ub && options.imageShape) {
    const border = options.allowedBorder ?? 200;
    const [h, w] = options.imageShape;
    lb = [-0.5 - border, -0.5 - border];
    ub = [w - 0.5 + border, h - 0.5 + border];
  }
  if ((lb === undefined) !== (ub === undefined)) throw new ValueError('makeCamera: give both lb and ub, or neither');
  if (lb && ub && !(lb[0] < ub[0] && lb[1] < ub[1])) throw new ValueError(`makeCamera: need lb < ub, got lb=[${lb}], ub=[${ub}]`);
  return lb && ub ? { K, zMin, lb: [lb[0], lb[1]], ub: [ub[0], ub[1]] } : { K, zMin };
}

/** Rotation matrix of a pose: [x, y, z, w, i, j, k] (6-DoF) or [x, y, z, yaw] (4-DoF). */
export function poseRotation(pose: ArrayLike<number>, o = 0, dof: 4 | 6 = 6, out: Float64Array = new Float64Array(9)): Float64Array {
  return dof === 6 ? quaternionToMatrix(pose, out, o + 3) : yawToMatrix(pose[o + 3]!, out);
}

/**
 * Projects object points through a pose and camera, with the z clamp and clipping.
 * x3d: [N, 3] flat; returns [N, 2] flat pixels.
 */
export function projectPoints(x3d: ArrayLike<number>, pose: ArrayLike<number>, camera: Camera, dof: 4 | 6 = 6): Float64Array {
  const n = x3d.length / 3;
  const R = poseRotation(pose, 0, dof);
  const K = camera.K;
  const out = new Float64Array(n * 2);
  for (let p = 0; p < n; p++) {
    const X = x3d[p * 3]!, Y = x3d[p * 3 + 1]!, Z = x3d[p * 3 + 2]!;
    const xc = R[0]! * X + R[1]! * Y + R[2]! * Z + pose[0]!;
    const yc = R[3]! * X + R[4]! * Y + R[5]! * Z + pose[1]!;
    const zc = Math.max(camera.zMin, R[6]! * X + R[7]! * Y + R[8]! * Z + pose[2]!);
    let u = (K[0]! * xc + K[1]! * yc) / zc + K[2]!;
    let v = (K[4]! * yc) / zc + K[5]!;
    if (camera.lb && camera.ub) {
      u = Math.min(camera.ub[0], Math.max(camera.lb[0], u));
      v = Math.min(camera.ub[1], Math.max(camera.lb[1], v));
    }
    out[p * 2] = u;
    out[p * 2 + 1] = v;
  }
  return out;
}
