/**
 * Random object poses in front of a LineMOD camera: a uniformly random rotation (Shoemake's
 * subgroup algorithm, "Uniform random rotations", Graphics Gems III, 1992), a distance drawn
 * uniformly in a range (LineMOD objects sit about 0.5–1.0 m from the Kinect), and an image
 * position near the principal point with uniform jitter.
 */
import type { data } from '@lacuna/core';
import type { Intrinsics } from '../geometry/camera.js';

export interface PoseSamplingOptions {
  /** Distance range (camera z of the object origin), metres. Default [0.5, 1.0]. */
  readonly distance?: readonly [number, number];
  /** Max |offset| of the object's projected origin from the principal point, pixels [x, y]. Default [100, 80]. */
  readonly jitterPx?: readonly [number, number];
  /**
   * Object-frame "up" axis: when given, only rotations that show the object from above its
   * equator (the camera on the up side, as in LineMOD's captures) are drawn, by rejection.
   */
  readonly upperHemisphere?: readonly [number, number, number];
}

/** A uniformly random unit quaternion [w, i, j, k] with w >= 0. */
export function randomQuaternion(rng: data.Random): Float64Array {
  const u1 = rng.uniform(), u2 = rng.uniform(), u3 = rng.uniform();
  const a = Math.sqrt(1 - u1), b = Math.sqrt(u1);
  const q = Float64Array.of(a * Math.sin(2 * Math.PI * u2), a * Math.cos(2 * Math.PI * u2), b * Math.sin(2 * Math.PI * u3), b * Math.cos(2 * Math.PI * u3));
  if (q[0]! < 0) for (let i = 0; i < 4; i++) q[i] = -q[i]!;
  return q;
}

/** Entry (2, c) of the rotation matrix of q = [w, i, j, k]. */
function rowZ(q: Float64Array, c: number): number {
  const [w, i, j, k] = q as unknown as [number, number, number, number];
  return c === 0 ? 2 * (i * k - j * w) : c === 1 ? 2 * (j * k + i * w) : 1 - 2 * (i * i + j * j);
}

/** A random pose [x, y, z, w, i, j, k] (x_cam = R x_obj + t). */
export function randomPose(rng: data.Random, intrinsics: Intrinsics, options: PoseSamplingOptions = {}): Float64Array {
  const [zMin, zMax] = options.distance ?? [0.5, 1.0];
  const [jx, jy] = options.jitterPx ?? [100, 80];
  let q = randomQuaternion(rng);
  const up = options.upperHemisphere;
  // The direction from the object to the camera is −e_z in the camera frame, −R^T e_z = −(row 3 of R) in the object frame.
  while (up && -(up[0] * rowZ(q, 0) + up[1] * rowZ(q, 1) + up[2] * rowZ(q, 2)) <= 0) q = randomQuaternion(rng);
  const z = rng.uniform(zMin, zMax);
  const du = rng.uniform(-jx, jx), dv = rng.uniform(-jy, jy);
  const y = (dv * z) / intrinsics.fy;
  const x = (du * z - (intrinsics.s ?? 0) * y) / intrinsics.fx;
  return Float64Array.of(x, y, z, q[0]!, q[1]!, q[2]!, q[3]!);
}
