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
