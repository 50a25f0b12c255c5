/**
 * Triangle meshes and the object models the renderer draws: vertices in the object frame
 * (metres), triangles as vertex-index triples, a colour per vertex (the texture), and the
 * metadata pose metrics need (diameter, extent, symmetry).
 */
import { ValueError } from '@lacuna/core';

export interface Mesh {
  /** [V, 3] vertex positions in the object frame, metres. */
  readonly vertices: Float32Array;
  /** [F, 3] vertex indices of each triangle. */
  readonly faces: Uint32Array;
}

/**
 * A rotational symmetry of the object (shape and texture both): none; `order`-fold about
 * `axis` through the origin (rotations by 2πk/order); or continuous about `axis`.
 */
export type Symmetry =
  | { readonly kind: 'none' }
  | { readonly kind: 'discrete'; readonly axis: readonly [number, number, number]; readonly order: number }
  | { readonly kind: 'continuous'; readonly axis: readonly [number, number, number] };

/** What pose metrics and the network need to know about an object (no texture). */
export interface ObjectInfo {
  readonly name: string;
  /** Largest distance between two vertices, metres (LineMOD's "diameter"). */
  readonly diameter: number;
  /** Per-axis max |coordinate| of the vertices, metres: x3d / halfExtent lies in [-1, 1]. */
  readonly halfExtent: readonly [number, number, number];
  readonly symmetry: Symmetry;
  /** Object-frame axis pointing "up" (for sampling LineMOD-like upper-hemisphere views). */
  readonly up: readonly [number, number, number];
}

/** A textured object: mesh + per-vertex colours + metadata. */
export interface ObjectModel extends ObjectInfo {
  readonly mesh: Mesh;
  /** [V, 3] RGB in [0, 1] per vertex (interpolated across triangles). */
  readonly colors: Float32Array;
}

/** Largest vertex-to-vertex distance (exact, O(V²); fine for a few thousand vertices). */
export function meshDiameter(vertices: Float32Array): number {
  const n = vertices.length / 3;
  let best = 0;
  for (let a = 0; a < n; a++) {
    const ax = vertices[a * 3]!, ay = vertices[a * 3 + 1]!, az = vertices[a * 3 + 2]!;
    for (let b = a + 1; b < n; b++) {
      const dx = vertices[b * 3]! - ax, dy = vertices[b * 3 + 1]! - ay, dz = vertices[b * 3 + 2]! - az;
      const d = dx * dx + dy * dy + dz * dz;
      if (d > best) best = d;
    }
  }
  return Math.sqrt(best);
}

/** Per-axis max |coordinate|. */
export function meshHalfExtent(vertices: Float32Array): [number, number, number] {
  const e: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < vertices.length; i++) e[i % 3] = Math.max(e[i % 3]!, Math.abs(vertices[i]!));
  return e;
}

/**
 * Moves the bounding-box centre to the origin and scales so the diameter is `diameter` metres.
 * Returns new vertices.
 */
export function normalizeVertices(vertices: Float32Array, diameter: number): Float32Array {
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < vertices.length; i++) {
    lo[i % 3] = Math.min(lo[i % 3]!, vertices[i]!);
    hi[i % 3] = Math.max(hi[i % 3]!, vertices[i]!);
  }
  const centre = [0, 1, 2].map((a) => (lo[a]! + hi[a]!) / 2);
  const out = new Float32Array(vertices.length);
  for (let i = 0; i < vertices.length; i++) out[i] = vertices[i]! - centre[i % 3]!;
  const d = meshDiameter(out);
  if (!(d > 0)) throw new ValueError('normalizeVertices: the mesh has zero extent');
  const s = diameter / d;
  for (let i = 0; i < out.length; i++) out[i] = out[i]! * s;
  return out;
}

/** Checks face indices are in range; `what` names the mesh in the error. */
export function checkMesh(mesh: Mesh, what: string): void {
  const v = mesh.vertices.length / 3;
  if (!Number.isInteger(v) || mesh.faces.length % 3 !== 0) throw new ValueError(`${what}: vertices/faces lengths must be multiples of 3`);
  for (let i = 0; i < mesh.faces.length; i++) {
    if (mesh.faces[i]! >= v) throw new ValueError(`${what}: face index ${mesh.faces[i]} out of range (${v} vertices)`);
  }
}

/** Rotation matrix (row-major 3x3) by `angle` radians about the unit `axis` (Rodrigues). */
export function axisAngleMatrix(axis: readonly [number, number, number], angle: number): Float64Array {
  const n = Math.hypot(axis[0], axis[1], axis[2]);
  const x = axis[0] / n, y = axis[1] / n, z = axis[2] / n;
  const c = Math.cos(angle), s = Math.sin(angle), C = 1 - c;
  return Float64Array.of(
    c + x * x * C, x * y * C - z * s, x * z * C + y * s,
    y * x * C + z * s, c + y * y * C, y * z * C - x * s,
    z * x * C - y * s, z * y * C + x * s, c + z * z * C,
  );
}

/**
 * The rotations (row-major 3x3, object frame) that leave the object unchanged, identity
 * first; a continuous symmetry is sampled at `continuousSteps` angles.
 */
export function symmetryRotations(symmetry: Symmetry, continuousSteps = 36): Float64Array[] {
  if (symmetry.kind === 'none') return [axisAngleMatrix([0, 0, 1], 0)];
  const n = symmetry.kind === 'discrete' ? symmetry.order : continuousSteps;
  return Array.from({ length: n }, (_, k) => axisAngleMatrix(symmetry.axis, (2 * Math.PI * k) / n));
}
