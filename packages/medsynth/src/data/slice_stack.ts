/**
 * Paired volumes → stacks of 2-D axial slices, channels last, the layout the networks and the
 * random forest take. Slice k of a volume (x fastest) is the [ny, nx] image at z = k, so a
 * stack is [N, H = ny, W = nx, C]. With `context` r > 0, each source modality contributes its
 * slices k−r … k+r as channels (2.5-D input; edges repeat the end slice). Heights and widths
 * can be padded at the bottom/right to a multiple (a U-Net of depth d needs 2^d); `cropSlices`
 * undoes it.
 */
import { ShapeError, ValueError, checkCount, checkShape } from '@lacuna/core';

/** Slices, channels last. */
export interface SliceStack {
  readonly data: Float32Array; // [N, H, W, C]
  readonly shape: readonly [number, number, number, number];
}

export interface AxialStackOptions {
  /** Neighbouring slices on each side added as channels (2.5-D). Default 0. */
  readonly context?: number;
  /** Inclusive slice range [k0, k1]. Default all slices. */
  readonly slices?: readonly [number, number];
  /** Pad H and W up to a multiple of this. Default 1 (no padding). */
  readonly multiple?: number;
  /** Value of padded pixels. Default −1 (background after normalisation). */
  readonly padValue?: number;
}

/** The padded size of n for a multiple m. */
export function paddedSize(n: number, multiple: number): number {
  return Math.ceil(n / multiple) * multiple;
}

/** Checks an inclusive slice range against nz and returns it (default: all slices). */
export function sliceRange(nz: number, slices?: readonly [number, number]): [number, number] {
  const [k0, k1] = slices ?? [0, nz - 1];
  if (!(Number.isInteger(k0) && Number.isInteger(k1) && k0 >= 0 && k1 < nz && k0 <= k1)) throw new ValueError(`slice range [${k0}, ${k1}] is outside the volume's 0..${nz - 1}`);
  return [k0, k1];
}

/**
 * Stacks axial slices of one or more co-registered volumes (each [nz, ny, nx] in memory) into
 * [N, H, W, C] with C = volumes.length · (2·context + 1).
 */
export function axialStack(volumes: readonly Float32Array[], dims: readonly [number, number, number], options: AxialStackOptions = {}): SliceStack {
  const [nx, ny, nz] = dims;
  for (const [c, v] of volumes.entries()) {
    checkCount(v.length, nx * ny * nz, () => `axialStack: volume ${c} has ${v.length} voxels, the grid ${nx}x${ny}x${nz} has ${nx * ny * nz}`);
  }
  const r = options.context ?? 0;
  const m = options.multiple ?? 1;
  const pad = options.padValue ?? -1;
  const [k0, k1] = sliceRange(nz, options.slices);
  const n = k1 - k0 + 1;
  const h = paddedSize(ny, m);
  const w = paddedSize(nx, m);
  const c = volumes.length * (2 * r + 1);
  const out = new Float32Array(n * h * w * c).fill(pad);
  for (let s = 0; s < n; s++) {
    for (const [vi, vol] of volumes.entries()) {
      for (let d = -r; d <= r; d++) {
        const k = Math.min(nz - 1, Math.max(0, k0 + s + d));
        const ch = vi * (2 * r + 1) + d + r;
        for (let j = 0; j < ny; j++) {
          const src = (k * ny + j) * nx;
          let dst = ((s * h + j) * w) * c + ch;
          for (let i = 0; i < nx; i++, dst += c) out[dst] = vol[src + i]!;
        }
      }
    }
  }
  return { data: out, shape: [n, h, w, c] };
}

/** Crops padded single-channel slices [N, H, W, 1] back to [N, ny, nx] in volume order. */
export function cropSlices(stack: SliceStack, nx: number, ny: number): Float32Array {
  const [n, h, w, c] = stack.shape;
  if (c !== 1 || h < ny || w < nx) throw new ShapeError(`cropSlices: stack [${stack.shape}] cannot hold [${n}, ${ny}, ${nx}, 1]`, [...stack.shape], [n, ny, nx, 1]);
  const out = new Float32Array(n * ny * nx);
  for (let s = 0; s < n; s++) for (let j = 0; j < ny; j++) out.set(stack.data.subarray((s * h + j) * w, (s * h + j) * w + nx), (s * ny + j) * nx);
  return out;
}

/** Slices [start, start + count) of a stack, as a view. */
export function stackRange(stack: SliceStack, start: number, count: number): SliceStack {
  const [, h, w, c] = stack.shape;
  const per = h * w * c;
  return { data: stack.data.subarray(start * per, (start + count) * per), shape: [count, h, w, c] };
}

/** Concatenates stacks of equal H, W, C along N. */
export function concatStacks(stacks: readonly SliceStack[]): SliceStack {
  if (stacks.length === 0) throw new ValueError('concatStacks: no stacks');
  const [, h, w, c] = stacks[0]!.shape;
  let n = 0;
  for (const s of stacks) {
    checkShape(s.shape, ['N', h, w, c], 'concatStacks', () => `concatStacks: stack [${s.shape}] does not match [*, ${h}, ${w}, ${c}]`);
    n += s.shape[0];
  }
  const out = new Float32Array(n * h * w * c);
  let off = 0;
  for (const s of stacks) {
    out.set(s.data, off);
    off += s.data.length;
  }
  return { data: out, shape: [n, h, w, c] };
}
