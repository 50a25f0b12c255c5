/**
 * Lambertian shading with one directional light plus ambient light, per triangle (flat
 * shading): intensity = ambient + diffuse · max(0, n · l), with the face normal n turned to
 * face the camera (two-sided lighting, so mesh winding does not matter) and l the unit
 * direction from the surface towards the light, both in the camera frame.
 */

export interface Light {
  /** Unit vector towards the light, camera frame. */
  readonly direction: readonly [number, number, number];
  readonly ambient: number;
  readonly diffuse: number;
}

/** [F] shading factor of each triangle of camera-frame `points` [V, 3]. */
export function faceShading(points: Float64Array, faces: Uint32Array, light: Light): Float32Array {
  const nf = faces.length / 3;
  const out = new Float32Array(nf);
  const [lx, ly, lz] = light.direction;
  for (let f = 0; f < nf; f++) {
    const a = faces[f * 3]! * 3, b = faces[f * 3 + 1]! * 3, c = faces[f * 3 + 2]! * 3;
    const ex = points[b]! - points[a]!, ey = points[b + 1]! - points[a + 1]!, ez = points[b + 2]! - points[a + 2]!;
    const gx = points[c]! - points[a]!, gy = points[c + 1]! - points[a + 1]!, gz = points[c + 2]! - points[a + 2]!;
    let nx = ey * gz - ez * gy, ny = ez * gx - ex * gz, nz = ex * gy - ey * gx;
    const len = Math.hypot(nx, ny, nz) || 1;
    // The camera sits at the origin: a normal facing it has n · a < 0.
    const s = nx * points[a]! + ny * points[a + 1]! + nz * points[a + 2]! > 0 ? -1 / len : 1 / len;
    nx *= s; ny *= s; nz *= s;
    out[f] = light.ambient + light.diffuse * Math.max(0, nx * lx + ny * ly + nz * lz);
  }
  return out;
}
