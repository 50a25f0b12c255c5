/**
 * MR intensity non-uniformity ("bias field"): a smooth multiplicative field 1 + b(x, y, z),
 * b a random second-order polynomial in coordinates scaled to [−1, 1] across the field of view,
 * normalised so that max |b| over the grid is `amplitude` (BrainWeb offers 20 % and 40 %
 * fields; Kwan et al. 1999). One field per subject, shared by its MR sequences as in one
 * session with one receive coil.
 */
import { data } from '@lacuna/core';
import type { PhantomGrid } from './grid.js';

/** The field 1 + b on `grid`, [nz, ny, nx] x fastest. */
export function biasField(grid: PhantomGrid, amplitude: number, rng: data.Random): Float32Array {
  const [nx, ny, nz] = grid.dims;
  // Coefficients of x, y, z, x², y², z², xy, xz, yz.
  const c = Array.from({ length: 9 }, () => rng.normal());
  const t = (i: number, n: number) => (n === 1 ? 0 : (2 * i) / (n - 1) - 1);
  const b = new Float64Array(nx * ny * nz);
  let maxAbs = 0;
  let v = 0;
  for (let k = 0; k < nz; k++) {
    const z = t(k, nz);
    for (let j = 0; j < ny; j++) {
      const y = t(j, ny);
      const yz = c[1]! * y + c[2]! * z + c[4]! * y * y + c[5]! * z * z + c[8]! * y * z;
      const ax = c[0]! + c[6]! * y + c[7]! * z; // coefficient of x
      for (let i = 0; i < nx; i++, v++) {
        const x = t(i, nx);
        const val = yz + ax * x + c[3]! * x * x;
        b[v] = val;
        if (Math.abs(val) > maxAbs) maxAbs = Math.abs(val);
      }
    }
  }
  const field = new Float32Array(b.length);
  const scale = maxAbs > 0 ? amplitude / maxAbs : 0;
  for (let i = 0; i < b.length; i++) field[i] = 1 + scale * b[i]!;
  return field;
}
