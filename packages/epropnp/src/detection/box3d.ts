/**
 * A 3-D object box in a driving scene: camera frame (x right, y down, z forward, metres), the
 * box's geometric centre, its size and a heading about the camera's vertical (y) axis. Poses are
 * 4-DoF (x, y, z, yaw) because objects stand on the ground plane.
 */

export interface Box3D {
  /** The object's class, e.g. 'car', 'pedestrian'. */
  readonly label: string;
  /** Geometric centre in the camera frame (m). */
  readonly centre: readonly [number, number, number];
  /** Width (x), height (y), length (z) in the object's own frame (m). */
  readonly size: readonly [number, number, number];
  /** Heading about the camera's y axis (rad); 0: the object's length along z. */
  readonly yaw: number;
}

/** A predicted box with its confidence. */
export interface ScoredBox3D extends Box3D {
  readonly score: number;
}

/** Distance between two centres on the ground plane (x, z): the camera's y axis is vertical. */
export function groundDistance(a: Box3D, b: Box3D): number {
  return Math.hypot(a.centre[0] - b.centre[0], a.centre[2] - b.centre[2]);
}

/** Distance of a box's centre from the camera on the ground plane. */
export function rangeOf(b: Box3D): number {
  return Math.hypot(b.centre[0], b.centre[2]);
}

/**
 * 3-D IoU of two boxes once their centres and headings are aligned (nuScenes' ASE uses
 * 1 − this): only the sizes differ, so the intersection is the product of the smaller sides.
 */
export function alignedIoU(a: Box3D, b: Box3D): number {
  const inter = Math.min(a.size[0], b.size[0]) * Math.min(a.size[1], b.size[1]) * Math.min(a.size[2], b.size[2]);
  const union = a.size[0] * a.size[1] * a.size[2] + b.size[0] * b.size[1] * b.size[2] - inter;
  return union > 0 ? inter / union : 0;
}

/** The smallest angle between two headings, in [0, π] (period 2π: a car facing back is wrong by π). */
export function yawDifference(a: number, b: number): number {
  const d = Math.abs(a - b) % (2 * Math.PI);
  return d > Math.PI ? 2 * Math.PI - d : d;
}

/** Rotation about the camera's y axis by `yaw`, row-major 3x3: the object's z axis goes to (sin yaw, 0, cos yaw). */
function yawRotation(yaw: number): [number, number, number, number, number, number, number, number, number] {
  const c = Math.cos(yaw), s = Math.sin(yaw);
  return [c, 0, s, 0, 1, 0, -s, 0, c];
}

/** Object-frame points [V, 3] of a box's object moved into the camera frame: R_y(yaw) p + centre. */
export function objectToCamera(box: Box3D, points: ArrayLike<number>, out: Float64Array = new Float64Array(points.length)): Float64Array {
  const R = yawRotation(box.yaw);
  const [tx, ty, tz] = box.centre;
  for (let i = 0; i < points.length; i += 3) {
    const x = points[i]!, y = points[i + 1]!, z = points[i + 2]!;
    out[i] = R[0] * x + R[2] * z + tx;
    out[i + 1] = y + ty;
    out[i + 2] = R[6] * x + R[8] * z + tz;
  }
  return out;
}

/** [8, 3] the box's corners in the camera frame; corner i has bit 0 = +x, bit 1 = +y (bottom), bit 2 = +z (front). */
export function boxCorners(box: Box3D): Float64Array {
  const [w, h, l] = box.size;
  const local = new Float64Array(24);
  for (let i = 0; i < 8; i++) local.set([(i & 1 ? 0.5 : -0.5) * w, (i & 2 ? 0.5 : -0.5) * h, (i & 4 ? 0.5 : -0.5) * l], i * 3);
  return objectToCamera(box, local);
}

/** The heading seen from the camera (allocentric): yaw minus the ray angle atan2(x, z) of the centre, wrapped to (-π, π]. */
export function observationAngle(yaw: number, centre: readonly [number, number, number]): number {
  return wrapAngle(yaw - Math.atan2(centre[0], centre[2]));
}

/** The heading from an observation angle at `centre` (inverse of observationAngle). */
export function yawFromObservation(alpha: number, centre: readonly [number, number, number]): number {
  return wrapAngle(alpha + Math.atan2(centre[0], centre[2]));
}

/** An angle wrapped to (-π, π]. */
export function wrapAngle(a: number): number {
  const t = a - 2 * Math.PI * Math.floor((a + Math.PI) / (2 * Math.PI));
  return t === -Math.PI ? Math.PI : t;
}
