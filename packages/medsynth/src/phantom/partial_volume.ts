/**
 * Partial-volume mixing: a voxel's value is the fraction-weighted sum of its tissues' values,
 * the model behind every modality of the phantom (BrainWeb's too: Kwan et al. 1999).
 */
import { TISSUES, type Tissue } from './tissues.js';

/**
 * Σ_t fraction_t × value_t per voxel, for several per-tissue value tables in one pass over the
 * fractions (each voxel's fractions are read once for all tables).
 */
export function mixTissuesMany(fractions: Record<Tissue, Float32Array>, tables: readonly Readonly<Record<Tissue, number>>[]): Float32Array[] {
  const T = TISSUES.length; // 8
  const M = tables.length;
  const n = fractions.background.length;
  const coef = new Float64Array(M * T);
  tables.forEach((table, m) => TISSUES.forEach((t, ti) => (coef[m * T + ti] = table[t])));
  const outs = tables.map(() => new Float32Array(n));
  // Eight tissues, unrolled: the fractions of a voxel are read once into locals.
  const [f0, f1, f2, f3, f4, f5, f6, f7] = TISSUES.map((t) => fractions[t]) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  for (let v = 0; v < n; v++) {
    const a0 = f0[v]!, a1 = f1[v]!, a2 = f2[v]!, a3 = f3[v]!, a4 = f4[v]!, a5 = f5[v]!, a6 = f6[v]!, a7 = f7[v]!;
    for (let m = 0, c = 0; m < M; m++, c += T) {
      outs[m]![v] =
        coef[c]! * a0 + coef[c + 1]! * a1 + coef[c + 2]! * a2 + coef[c + 3]! * a3 + coef[c + 4]! * a4 + coef[c + 5]! * a5 + coef[c + 6]! * a6 + coef[c + 7]! * a7;
    }
  }
  return outs;
}

/** Σ_t fraction_t × value_t per voxel: the partial-volume mix of one per-tissue table. */
export function mixTissues(fractions: Record<Tissue, Float32Array>, perTissue: Readonly<Record<Tissue, number>>): Float32Array {
  return mixTissuesMany(fractions, [perTissue])[0]!;
}
