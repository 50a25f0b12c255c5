/**
 * Scoring a synthesised volume against its reference on the same grid, as `lacuna medsynth
 * eval` does: finite values, an optional mask (> 0.5), the data range (given, or max − min of
 * the reference inside the mask), slices along any axis, and the scores as CSV or JSON.
 */
import { ValueError } from '@lacuna/core';
import { maskedRange, synthesisMetrics, type SynthesisScores, type SliceScores, type VolumeScores } from './synthesis_metrics.js';

export type VolumeAxis = 'x' | 'y' | 'z';
export const VOLUME_AXES: readonly VolumeAxis[] = ['x', 'y', 'z'];

export interface VolumePairOptions {
  /** Mask values (> 0.5 inside) on the same grid, and its file for messages. */
  readonly mask?: { readonly data: Float32Array; readonly path: string };
  /** PSNR's and SSIM's data range; default max − min of the reference inside the mask. */
  readonly dataRange?: number;
  /** Slices along this axis (default z, axial). */
  readonly axis?: VolumeAxis;
  /** The files, for messages. */
  readonly predPath: string;
  readonly refPath: string;
}

/** Per-slice and whole-volume scores of `pred` against `ref` (dims [nx, ny, nz], x fastest). */
export function scoreVolumePair(pred: Float32Array, ref: Float32Array, dims: readonly [number, number, number], o: VolumePairOptions): { scores: VolumeScores; dataRange: number; sliceCount: number } {
  finiteOrThrow(pred, o.predPath);
  finiteOrThrow(ref, o.refPath);
  const inMask = o.mask ? maskOf(o.mask.data, o.mask.path) : undefined;
  const dataRange = o.dataRange ?? maskedRange(ref, inMask);
  if (!(dataRange > 0)) throw new ValueError(`scoreVolumePair: ${o.refPath} is constant${inMask ? ' inside the mask' : ''}, so --range auto gives ${dataRange}; pass --range <number>`);
  const [p, r, m, d] = alongAxis(pred, ref, inMask, dims, o.axis ?? 'z');
  return { scores: synthesisMetrics(p, r, d, m, { dataRange }), dataRange, sliceCount: d[2] };
}

/** The mask's voxels > 0.5 as 0/1 (the mask must hold some). */
export function maskOf(values: Float32Array, path: string): Uint8Array {
  const mask = new Uint8Array(values.length);
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i]! > 0.5) {
      mask[i] = 1;
      count++;
    }
  }
  if (count === 0) throw new ValueError(`mask ${path} has no voxels > 0.5`);
  return mask;
}

function finiteOrThrow(values: Float32Array, path: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) throw new ValueError(`${path}: voxel ${i} is ${values[i]} (values must be finite)`);
  }
}

/**
 * The volumes reordered so slices along `axis` are the slowest dimension ([nz, ny, nx] in
 * memory, x fastest): x → dims [ny, nz, nx], y → [nx, nz, ny], z unchanged.
 */
export function alongAxis(
  pred: Float32Array,
  ref: Float32Array,
  mask: Uint8Array | undefined,
  dims: readonly [number, number, number],
  axis: VolumeAxis,
): [Float32Array, Float32Array, Uint8Array | undefined, [number, number, number]] {
  if (axis === 'z') return [pred, ref, mask, [...dims]];
  const [nx, ny, nz] = dims;
  // new (a, b, c) index -> old (i, j, k)
  const newDims: [number, number, number] = axis === 'x' ? [ny, nz, nx] : [nx, nz, ny];
  const order = new Uint32Array(nx * ny * nz);
  let n = 0;
  for (let c = 0; c < newDims[2]; c++) {
    for (let b = 0; b < newDims[1]; b++) {
      for (let a = 0; a < newDims[0]; a++) {
        const [i, j, k] = axis === 'x' ? [c, a, b] : [a, c, b];
        order[n++] = i + nx * (j + ny * k);
      }
    }
  }
  const permute = <T extends Float32Array | Uint8Array>(src: T, out: T): T => {
    for (let t = 0; t < order.length; t++) out[t] = src[order[t]!]!;
    return out;
  };
  return [
    permute(pred, new Float32Array(pred.length)),
    permute(ref, new Float32Array(ref.length)),
    mask && permute(mask, new Uint8Array(mask.length)),
    newDims,
  ];
}

function csvNumber(x: number): string {
  return Number.isNaN(x) ? 'nan' : x === Infinity ? 'inf' : String(x);
}

/** Per-slice rows and a final 'volume' row: slice,mae,psnr,ssim,voxels (inf and nan as words). */
export function scoresCsv(scores: VolumeScores): string {
  const row = (label: string | number, s: SynthesisScores) => [label, csvNumber(s.mae), csvNumber(s.psnr), csvNumber(s.ssim), s.voxels].join(',');
  return ['slice,mae,psnr,ssim,voxels', ...scores.slices.map((s) => row(s.slice, s)), row('volume', scores.volume)].join('\n') + '\n';
}

/** {volume, slices} with inf PSNR as null (JSON has no Infinity or NaN). */
export function scoresJson(scores: VolumeScores): string {
  // JSON has no Infinity or NaN: they become null.
  const clean = (s: SynthesisScores | SliceScores) => Object.fromEntries(Object.entries(s).map(([k, x]) => [k, Number.isFinite(x) ? x : null]));
  return JSON.stringify({ volume: clean(scores.volume), slices: scores.slices.map(clean) }, null, 1) + '\n';
}
