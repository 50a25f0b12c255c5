/**
 * NIfTI-1 voxel → world transforms: the qform (a unit quaternion for the rotation, pixdim for
 * the voxel size, qfac = ±1 for the handedness of the k axis) and its inverse, which splits a
 * general 4×4 affine into the qform's parameters. Formulas follow the NIfTI-1 standard's
 * nifti1.h ("METHOD 2") and nifti1_io.c (nifti_quatern_to_mat44, nifti_mat44_to_quatern).
 * Affines are 16 numbers, row-major.
 */

/** The qform parameters of a NIfTI-1 header. */
export interface Qform {
  /** Quaternion (b, c, d); a = sqrt(1 − b² − c² − d²) ≥ 0 is implied. */
  readonly b: number;
  readonly c: number;
  readonly d: number;
  /** qoffset_x, _y, _z: world position of voxel (0, 0, 0), mm. */
  readonly offset: readonly [number, number, number];
  /** pixdim[0]: −1 flips the k axis (a left-handed voxel grid), else +1. */
  readonly qfac: 1 | -1;
  /** pixdim[1..3], mm. */
  readonly pixdim: readonly [number, number, number];
}

/** The affine of a qform: R(a, b, c, d) · diag(dx, dy, qfac·dz), then the offset. */
export function qformToAffine(q: Qform): number[] {
  let { b, c, d } = q;
  let a = 1 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    // (b, c, d) has (rounded) unit length: a 180° rotation. Renormalise, as nifti1_io does.
    const s = 1 / Math.sqrt(b * b + c * c + d * d);
    b *= s;
    c *= s;
    d *= s;
    a = 0;
  } else {
    a = Math.sqrt(a);
  }
  // nifti1_io treats a non-positive voxel size as 1.
  const [dx, dy, dz0] = q.pixdim.map((p) => (p > 0 ? p : 1)) as [number, number, number];
  const dz = q.qfac < 0 ? -dz0 : dz0;
  const [ox, oy, oz] = q.offset;
  return [
    (a * a + b * b - c * c - d * d) * dx, 2 * (b * c - a * d) * dy, 2 * (b * d + a * c) * dz, ox,
    2 * (b * c + a * d) * dx, (a * a + c * c - b * b - d * d) * dy, 2 * (c * d - a * b) * dz, oy,
    2 * (b * d - a * c) * dx, 2 * (c * d + a * b) * dy, (a * a + d * d - c * c - b * b) * dz, oz,
    0, 0, 0, 1,
  ];
}

/**
 * The qform closest to `affine`: voxel sizes are the column norms, the rotation is the nearest
 * orthogonal matrix to the normalised columns (polar decomposition, so a sheared affine gets
 * the best rotation; its sform stays exact), and qfac = −1 when the determinant is negative.
 */
export function affineToQform(affine: readonly number[]): Qform {
  const col = (j: number): [number, number, number] => [affine[j]!, affine[4 + j]!, affine[8 + j]!];
  const cols = [col(0), col(1), col(2)];
  const pixdim = cols.map((v) => Math.hypot(...v)) as [number, number, number];
  // [3][3] row-major; a zero column becomes the matching unit axis, as in nifti1_io.
  const m = [0, 1, 2].map((i) => [0, 1, 2].map((j) => (pixdim[j]! > 0 ? cols[j]![i]! / pixdim[j]! : i === j ? 1 : 0)));
  let r = polarOrthogonal(m);
  const qfac: 1 | -1 = det3(r) < 0 ? -1 : 1;
  if (qfac < 0) r = r.map((row) => [row[0]!, row[1]!, -row[2]!]);
  const [b, c, d] = rotationToQuaternion(r);
  return { b, c, d, offset: [affine[3]!, affine[7]!, affine[11]!], qfac, pixdim: pixdim.map((p) => (p > 0 ? p : 1)) as [number, number, number] };
}

/** Quaternion (b, c, d) with a ≥ 0 of a proper rotation matrix ([3][3], row-major). */
function rotationToQuaternion(r: number[][]): [number, number, number] {
  const [[r11, r12, r13], [r21, r22, r23], [r31, r32, r33]] = r as [[number, number, number], [number, number, number], [number, number, number]];
  let a = r11 + r22 + r33 + 1;
  let b: number;
  let c: number;
  let d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r32 - r23)) / a;
    c = (0.25 * (r13 - r31)) / a;
    d = (0.25 * (r21 - r12)) / a;
  } else {
    // Near-180° rotations: solve from the largest diagonal term for accuracy.
    const xd = 1 + r11 - (r22 + r33);
    const yd = 1 + r22 - (r11 + r33);
    const zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12 + r21)) / b;
      d = (0.25 * (r13 + r31)) / b;
      a = (0.25 * (r32 - r23)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12 + r21)) / c;
      d = (0.25 * (r23 + r32)) / c;
      a = (0.25 * (r13 - r31)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13 + r31)) / d;
      c = (0.25 * (r23 + r32)) / d;
      a = (0.25 * (r21 - r12)) / d;
    }
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return [b, c, d];
}

/** The orthogonal factor of a 3×3 matrix (Newton iteration X ← (X + X⁻ᵀ) / 2, Higham 1986). */
function polarOrthogonal(m: number[][]): number[][] {
  let x = m.map((row) => row.slice());
  for (let it = 0; it < 100; it++) {
    const inv = inverse3(x);
    // X⁻ᵀ[i][j] = inv[j][i]
    const next = x.map((row, i) => row.map((v, j) => 0.5 * (v + inv[j]![i]!)));
    const change = Math.max(...next.flatMap((row, i) => row.map((v, j) => Math.abs(v - x[i]![j]!))));
    x = next;
    if (change < 1e-15) break;
  }
  return x;
}

export function det3(m: readonly (readonly number[])[]): number {
  const [[a, b, c], [d, e, f], [g, h, i]] = m as [[number, number, number], [number, number, number], [number, number, number]];
  return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
}

function inverse3(m: number[][]): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m as [[number, number, number], [number, number, number], [number, number, number]];
  const det = det3(m);
  return [
    [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
    [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
}
