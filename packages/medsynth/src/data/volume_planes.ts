/**
 * Slicing planes of a volume on its working grid (RAS by default): axial slices are taken across
 * the third array axis (S/I), coronal across the second (A/P), sagittal across the first (R/L).
 * `toPlane` permutes a volume's values so the plane's slicing axis comes last (what axialStack
 * slices), keeping the in-plane axes in order (coronal: R and S; sagittal: A and S); `fromPlane`
 * undoes it.
 */
export type Plane = 'axial' | 'coronal' | 'sagittal';
export const PLANES: readonly Plane[] = ['axial', 'coronal', 'sagittal'];

/** For each new array axis, the old one it is. */
const ORDER: Record<Plane, readonly [number, number, number]> = { axial: [0, 1, 2], coronal: [0, 2, 1], sagittal: [1, 2, 0] };

/** The dims after toPlane. */
export function planeDims(dims: readonly [number, number, number], plane: Plane): [number, number, number] {
  const o = ORDER[plane];
  return [dims[o[0]]!, dims[o[1]]!, dims[o[2]]!];
}

function permute(values: ArrayLike<number>, dims: readonly [number, number, number], order: readonly [number, number, number], inverse: boolean): Float32Array {
  const stride = [1, dims[0], dims[0] * dims[1]];
  const nd = [dims[order[0]]!, dims[order[1]]!, dims[order[2]]!];
  const out = new Float32Array(values.length);
  // Walk the permuted array; its axis a moves along old axis order[a].
  const s0 = stride[order[0]]!, s1 = stride[order[1]]!, s2 = stride[order[2]]!;
  let o = 0;
  for (let c = 0; c < nd[2]!; c++) for (let b = 0; b < nd[1]!; b++) {
    let src = c * s2 + b * s1;
    for (let a = 0; a < nd[0]!; a++, o++, src += s0) {
      if (inverse) out[src] = values[o]!;
      else out[o] = values[src]!;
    }
  }
  return out;
}

/** Values [nz][ny][nx] (x fastest) → the plane's layout, slicing axis last. */
export function toPlane(values: ArrayLike<number>, dims: readonly [number, number, number], plane: Plane): Float32Array {
  return plane === 'axial' ? Float32Array.from(values) : permute(values, dims, ORDER[plane], false);
}

/** The inverse of toPlane: `values` in the plane's layout back to [nz][ny][nx] of `dims`. */
export function fromPlane(values: ArrayLike<number>, dims: readonly [number, number, number], plane: Plane): Float32Array {
  return plane === 'axial' ? Float32Array.from(values) : permute(values, dims, ORDER[plane], true);
}
