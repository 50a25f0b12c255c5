/**
 * A z-buffer triangle rasteriser in pure TypeScript. Triangles are given in camera
 * coordinates (x right, y down, z forward, metres) and projected through a 3x3 intrinsic
 * matrix; a pixel (r, c) is covered when its centre (c, r) lies inside the projected triangle
 * (edges inclusive). The depth test keeps the largest 1/z (the nearest surface), since 1/z,
 * unlike z, is affine in screen space. Each covered pixel stores its triangle and the
 * perspective-correct barycentric weights of that triangle's vertices, from which any
 * per-vertex attribute (object coordinates, colour) is interpolated exactly as a point on the
 * 3D triangle: b_i = (λ_i / z_i) / Σ_j (λ_j / z_j) for screen-space barycentrics λ.
 */
import { ValueError } from '@lacuna/core';

/** Per-pixel rasterisation result of a width x height target (row-major, pixel = r * width + c). */
export interface RasterBuffers {
  readonly width: number;
  readonly height: number;
  /** [H, W] 1/z of the nearest surface; 0 where nothing was drawn. */
  readonly inverseDepth: Float32Array;
  /** [H, W] triangle index, −1 where nothing was drawn. */
  readonly face: Int32Array;
  /** [H, W, 3] perspective-correct barycentric weights of the triangle's three vertices. */
  readonly weights: Float32Array;
}

/** Empty buffers for a width x height target. */
export function createRasterBuffers(width: number, height: number): RasterBuffers {
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new ValueError(`createRasterBuffers: size must be positive integers, got ${width}x${height}`);
  }
  const n = width * height;
  return { width, height, inverseDepth: new Float32Array(n), face: new Int32Array(n).fill(-1), weights: new Float32Array(n * 3) };
}

/** Near clipping: triangles with a vertex nearer than this (metres) are skipped. */
const Z_NEAR = 1e-3;

/**
 * Draws triangles `faces` [F, 3] of camera-frame points `points` [V, 3] through intrinsics
 * `K` (row-major 3x3) into `buffers`, keeping the nearest surface per pixel. Triangles with a
 * vertex behind Z_NEAR are skipped (the scenes here never come that close).
 */
export function rasterize(points: Float32Array | Float64Array, faces: Uint32Array, K: ArrayLike<number>, buffers: RasterBuffers): void {
  const { width: W, height: H, inverseDepth, face, weights } = buffers;
  const fx = K[0]!, sk = K[1]!, cx = K[2]!, fy = K[4]!, cy = K[5]!;
  const nf = faces.length / 3;
  for (let f = 0; f < nf; f++) {
    const i0 = faces[f * 3]! * 3, i1 = faces[f * 3 + 1]! * 3, i2 = faces[f * 3 + 2]! * 3;
    const z0 = points[i0 + 2]!, z1 = points[i1 + 2]!, z2 = points[i2 + 2]!;
    if (z0 < Z_NEAR || z1 < Z_NEAR || z2 < Z_NEAR) continue;
    const iz0 = 1 / z0, iz1 = 1 / z1, iz2 = 1 / z2;
    const u0 = (fx * points[i0]! + sk * points[i0 + 1]!) * iz0 + cx, v0 = fy * points[i0 + 1]! * iz0 + cy;
    const u1 = (fx * points[i1]! + sk * points[i1 + 1]!) * iz1 + cx, v1 = fy * points[i1 + 1]! * iz1 + cy;
    const u2 = (fx * points[i2]! + sk * points[i2 + 1]!) * iz2 + cx, v2 = fy * points[i2 + 1]! * iz2 + cy;
    // Twice the signed area; the edge functions below are divided by it, so either winding works.
    const area = (u1 - u0) * (v2 - v0) - (v1 - v0) * (u2 - u0);
    if (!(Math.abs(area) > 1e-12)) continue;
    const cMin = Math.max(0, Math.ceil(Math.min(u0, u1, u2))), cMax = Math.min(W - 1, Math.floor(Math.max(u0, u1, u2)));
    const rMin = Math.max(0, Math.ceil(Math.min(v0, v1, v2))), rMax = Math.min(H - 1, Math.floor(Math.max(v0, v1, v2)));
    if (cMin > cMax || rMin > rMax) continue;
    const inv = 1 / area;
    for (let r = rMin; r <= rMax; r++) {
      for (let c = cMin; c <= cMax; c++) {
        // Screen-space barycentrics: λ0 from edge (1, 2), λ1 from edge (2, 0).
        const l0 = ((u1 - c) * (v2 - r) - (v1 - r) * (u2 - c)) * inv;
        const l1 = ((u2 - c) * (v0 - r) - (v2 - r) * (u0 - c)) * inv;
        const l2 = 1 - l0 - l1;
        if (l0 < -1e-9 || l1 < -1e-9 || l2 < -1e-9) continue;
        const w0 = l0 * iz0, w1 = l1 * iz1, w2 = l2 * iz2;
        const iz = w0 + w1 + w2;
        const p = r * W + c;
        if (iz <= inverseDepth[p]!) continue;
        inverseDepth[p] = iz;
        face[p] = f;
        weights[p * 3] = w0 / iz;
        weights[p * 3 + 1] = w1 / iz;
        weights[p * 3 + 2] = w2 / iz;
      }
    }
  }
}

/**
 * Interpolates a per-vertex attribute `attr` [V, C] over the drawn pixels into `out`
 * [H, W, C]; pixels with no surface are left as they are.
 */
export function interpolateAttribute(buffers: RasterBuffers, faces: Uint32Array, attr: ArrayLike<number>, channels: number, out: Float32Array): void {
  const { face, weights } = buffers;
  for (let p = 0; p < face.length; p++) {
    const f = face[p]!;
    if (f < 0) continue;
    const a = faces[f * 3]! * channels, b = faces[f * 3 + 1]! * channels, c = faces[f * 3 + 2]! * channels;
    const w0 = weights[p * 3]!, w1 = weights[p * 3 + 1]!, w2 = weights[p * 3 + 2]!;
    for (let k = 0; k < channels; k++) out[p * channels + k] = w0 * attr[a + k]! + w1 * attr[b + k]! + w2 * attr[c + k]!;
  }
}

/** Camera-frame points R x + t of object points `x` [V, 3] (R row-major 3x3). */
export function transformPoints(x: Float32Array, R: ArrayLike<number>, t: ArrayLike<number>, out: Float64Array = new Float64Array(x.length)): Float64Array {
  for (let i = 0; i < x.length; i += 3) {
    const X = x[i]!, Y = x[i + 1]!, Z = x[i + 2]!;
    out[i] = R[0]! * X + R[1]! * Y + R[2]! * Z + t[0]!;
    out[i + 1] = R[3]! * X + R[4]! * Y + R[5]! * Z + t[1]!;
    out[i + 2] = R[6]! * X + R[7]! * Y + R[8]! * Z + t[2]!;
  }
  return out;
}
