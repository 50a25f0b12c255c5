/**
 * OpenCV's rotation vectors (axis * angle, `cv::Rodrigues`) and the conversion between
 * Lacuna poses [x, y, z, w, i, j, k] and OpenCV's rvec/tvec pairs. Both use
 * x_cam = R x_obj + t, so tvec is the pose's translation unchanged.
 */
import { matrixToQuaternion, quaternionToMatrix } from './rotation.js';

/** Row-major rotation matrix of an axis-angle vector (Rodrigues' formula). */
export function rvecToMatrix(rvec: ArrayLike<number>, out: Float64Array = new Float64Array(9)): Float64Array {
  const rx = rvec[0]!, ry = rvec[1]!, rz = rvec[2]!;
  const theta = Math.hypot(rx, ry, rz);
  // Near zero, sin(t)/t and (1-cos t)/t^2 by their series, to keep full precision.
  const a = theta < 1e-6 ? 1 - (theta * theta) / 6 : Math.sin(theta) / theta;
  const b = theta < 1e-6 ? 0.5 - (theta * theta) / 24 : (1 - Math.cos(theta)) / (theta * theta);
  out[0] = 1 - b * (ry * ry + rz * rz); out[1] = -a * rz + b * rx * ry; out[2] = a * ry + b * rx * rz;
  out[3] = a * rz + b * rx * ry; out[4] = 1 - b * (rx * rx + rz * rz); out[5] = -a * rx + b * ry * rz;
  out[6] = -a * ry + b * rx * rz; out[7] = a * rx + b * ry * rz; out[8] = 1 - b * (rx * rx + ry * ry);
  return out;
}

/** Axis-angle vector of a rotation matrix, via the quaternion (stable at 0 and near pi). */
export function matrixToRvec(r: ArrayLike<number>, out: Float64Array = new Float64Array(3)): Float64Array {
  const q = matrixToQuaternion(r);
  const s = Math.hypot(q[1]!, q[2]!, q[3]!);
  const angle = 2 * Math.atan2(s, q[0]!);
  const f = s < 1e-12 ? 2 : angle / s;
  out[0] = q[1]! * f; out[1] = q[2]! * f; out[2] = q[3]! * f;
  return out;
}

/** OpenCV rvec/tvec of a 6-DoF pose [x, y, z, w, i, j, k]. */
export function poseToRvecTvec(pose: ArrayLike<number>): { rvec: Float64Array; tvec: Float64Array } {
  const r = quaternionToMatrix(pose, new Float64Array(9), 3);
  return { rvec: matrixToRvec(r), tvec: Float64Array.of(pose[0]!, pose[1]!, pose[2]!) };
}

/** 6-DoF pose [x, y, z, w, i, j, k] of an OpenCV rvec/tvec pair. */
export function poseFromRvecTvec(rvec: ArrayLike<number>, tvec: ArrayLike<number>): Float64Array {
  const q = matrixToQuaternion(rvecToMatrix(rvec));
  return Float64Array.of(tvec[0]!, tvec[1]!, tvec[2]!, q[0]!, q[1]!, q[2]!, q[3]!);
}
