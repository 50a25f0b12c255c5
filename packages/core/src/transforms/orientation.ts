/**
 * Orientation of a voxel grid: which world direction each array axis runs along, as the
 * three-letter codes of NIfTI / nibabel / MONAI ('RAS': i towards Right, j Anterior, k
 * Superior, in NIfTI's RAS+ world), and `reorient`, which permutes and flips the array so its
 * axes follow the codes asked for, with the affine changed so every voxel keeps its world
 * position. No interpolation: values are moved, never mixed, so labels reorient exactly.
 */
import { ValueError } from '../errors.js';
import type { Volume } from '../data/volume.js';

/** Positive world direction of each world axis (RAS+), and its opposite. */
const POSITIVE = ['R', 'A', 'S'] as const;
const NEGATIVE = ['L', 'P', 'I'] as const;

/** For each array axis i: the world axis it runs along most (0 x, 1 y, 2 z) and the sign. */
export interface AxisMap {
  readonly worldAxis: readonly [number, number, number];
  readonly sign: readonly [1 | -1, 1 | -1, 1 | -1];
}

/**
 * The axis map of an affine: array axes are assigned to world axes greedily, the largest
 * |direction cosine| first, so an oblique grid goes to its nearest orthogonal orientation.
 */
export function axisMap(affine: readonly number[]): AxisMap {
  if (affine.length !== 16 || affine.some((v) => !Number.isFinite(v))) throw new ValueError(`axisMap: the affine must be 16 finite numbers (row-major 4x4), got ${affine.length}`);
  const cos: number[][] = [0, 1, 2].map((i) => {
    const col = [affine[i]!, affine[4 + i]!, affine[8 + i]!];
    const n = Math.hypot(...col);
    if (!(n > 0)) throw new ValueError(`axisMap: array axis ${i} of the affine has zero length`);
    return col.map((v) => v / n);
  });
  const worldAxis = [-1, -1, -1];
  const sign: (1 | -1)[] = [1, 1, 1];
  const usedWorld = new Set<number>();
  for (let round = 0; round < 3; round++) {
    let best = -1, bi = -1, bw = -1;
    for (let i = 0; i < 3; i++) {
      if (worldAxis[i] !== -1) continue;
      for (let w = 0; w < 3; w++) {
        if (usedWorld.has(w)) continue;
        if (Math.abs(cos[i]![w]!) > best) { best = Math.abs(cos[i]![w]!); bi = i; bw = w; }
      }
    }
    worldAxis[bi] = bw;
    sign[bi] = cos[bi]![bw]! < 0 ? -1 : 1;
    usedWorld.add(bw);
  }
  return { worldAxis: worldAxis as [number, number, number], sign: sign as [1 | -1, 1 | -1, 1 | -1] };
}

/** The orientation codes of an affine, e.g. 'RAS', 'LPS', 'PSR'. */
export function axisCodes(affine: readonly number[]): string {
  const m = axisMap(affine);
  return m.worldAxis.map((w, i) => (m.sign[i] > 0 ? POSITIVE[w] : NEGATIVE[w])).join('');
}

/** Parses 'RAS'-style codes into an axis map; names what is wrong. */
export function parseAxisCodes(codes: string): AxisMap {
  const up = codes.toUpperCase();
  const worldAxis: number[] = [];
  const sign: (1 | -1)[] = [];
  for (const ch of up) {
    const p = (POSITIVE as readonly string[]).indexOf(ch), n = (NEGATIVE as readonly string[]).indexOf(ch);
    if (p < 0 && n < 0) throw new ValueError(`orientation '${codes}': '${ch}' is not one of R/L, A/P, S/I`);
    worldAxis.push(p >= 0 ? p : n);
    sign.push(p >= 0 ? 1 : -1);
  }
  if (worldAxis.length !== 3 || new Set(worldAxis).size !== 3) throw new ValueError(`orientation '${codes}': needs one letter for each of R/L, A/P and S/I`);
  return { worldAxis: worldAxis as [number, number, number], sign: sign as [1 | -1, 1 | -1, 1 | -1] };
}

/**
 * The volume with its array axes permuted and flipped to follow `codes` (default 'RAS'); the
 * affine follows, so each value keeps its world position. Returns the input when it already
 * has that orientation.
 */
export function reorient(volume: Volume, codes = 'RAS'): Volume {
  const from = axisMap(volume.affine);
  const to = parseAxisCodes(codes);
  const [nx, ny, nz] = volume.dims;
  if (volume.data.length !== nx * ny * nz) throw new ValueError(`reorient: ${volume.data.length} values for a ${nx}x${ny}x${nz} grid`);
  // Old array axis i becomes new array axis k where the new axis runs along the same world axis.
  const newAxisOf = [0, 1, 2].map((i) => to.worldAxis.indexOf(from.worldAxis[i]!));
  const flip = [0, 1, 2].map((i) => from.sign[i] !== to.sign[newAxisOf[i]!]);
  if (newAxisOf.every((k, i) => k === i) && flip.every((f) => !f)) return volume;
  const oldDims = volume.dims;
  const dims = [0, 0, 0] as [number, number, number];
  const spacing = [0, 0, 0] as [number, number, number];
  for (let i = 0; i < 3; i++) {
    dims[newAxisOf[i]!] = oldDims[i]!;
    spacing[newAxisOf[i]!] = volume.spacing[i]!;
  }
  // T maps new voxel indices to old ones: old_i = flip ? n_i − 1 − new_k : new_k (k = newAxisOf[i]).
  const T = new Array<number>(16).fill(0);
  T[15] = 1;
  for (let i = 0; i < 3; i++) {
    T[i * 4 + newAxisOf[i]!] = flip[i] ? -1 : 1;
    T[i * 4 + 3] = flip[i] ? oldDims[i]! - 1 : 0;
  }
  const affine = multiply4(volume.affine, T);
  // Strides of the old array along each old axis, then walk the new array in order.
  const oldStride = [1, oldDims[0], oldDims[0] * oldDims[1]];
  const step = [0, 0, 0], base = [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    step[newAxisOf[i]!] = flip[i] ? -oldStride[i]! : oldStride[i]!;
    if (flip[i]) base[newAxisOf[i]!] = (oldDims[i]! - 1) * oldStride[i]!;
  }
  const start = base[0]! + base[1]! + base[2]!;
  const out = new Float32Array(volume.data.length);
  let o = 0;
  for (let c = 0; c < dims[2]; c++) {
    for (let b = 0; b < dims[1]; b++) {
      let src = start + c * step[2]! + b * step[1]!;
      for (let a = 0; a < dims[0]; a++, src += step[0]!) out[o++] = volume.data[src]!;
    }
  }
  return { data: out, dims, spacing, affine };
}

/** Row-major 4x4 product a·b. */
export function multiply4(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(16).fill(0);
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) for (let k = 0; k < 4; k++) out[r * 4 + c]! += a[r * 4 + k]! * b[k * 4 + c]!;
  return out;
}
