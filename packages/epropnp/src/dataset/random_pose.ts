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
}

/** A uniformly random unit quaternion [w, i, j, k] with w >= 0. */
export function randomQuaternion(rng: data.Random): Float64Array {
  const u1 = rng.uniform(), u2 = rng.uniform(), u3 = rng.uniform();
  const a = Math.sqrt(1 - u1), b = Math.sqrt(u1);
  const q = Float64Array.of(a * Math.sin(2 * Math.PI * u2), a * Math.cos(2 * Math.PI * u2), b * Math.sin(2 * Math.PI * u3), b * Math.cos(2 * Math.PI * u3));
  if (q[0]! < 0) for (let i = 0; i < 4; i++) q[i] = -q[i]!;
  return q;
}

/** A random pose [x, y, z, w, i, j, k] (x_cam = R x_obj + t). */
export function randomPose(rng: data.Random, intrinsics: Intrinsics, options: PoseSamplingOptions = {}): Float64Array {
  const [zMin, zMax] = options.distance ?? [0.5, 1.0];
  const [jx, jy] = options.jitterPx ?? [100, 80];
  const q = randomQuaternion(rng);
  const z = rng.uniform(zMin, zMax);
  const du = rng.uniform(-jx, jx), dv = rng.uniform(-jy, jy);
  const y = (dv * z) / intrinsics.fy;
  const x = (du * z - (intrinsics.s ?? 0) * y) / intrinsics.fx;
  return Float64Array.of(x, y, z, q[0]!, q[1]!, q[2]!, q[3]!);
}
