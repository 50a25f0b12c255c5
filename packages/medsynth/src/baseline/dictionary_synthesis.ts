/**
 * The dictionary-learning baseline of cross-modality synthesis (the article's reference [4]; in
 * the manner of coupled dictionaries, Yang et al. 2010): source patches (p x p over the source
 * channels) and target patches (p x p) share one sparse code. A joint dictionary is learned by
 * K-SVD on concatenated [source; 1; target] patches drawn from the mask; synthesis codes each
 * source patch (with its constant 1) by OMP on the source half of the atoms (renormalised) and
 * decodes the code with the target half, averaging overlapping patches (grid stride `stride`).
 * The constant element breaks sparse coding's scale equivariance (code(λx) = λ code(x)), which
 * would otherwise forbid intensity maps with an offset, such as T1 -> T2's inverted contrast. Outside the mask: the
 * background value. Layouts as forest_synthesis.ts: source [N, H, W, C], target [N, H, W, 1].
 */
import { checkCount, data, ValueError } from '@lacuna/core';
import type { SliceStack } from '../data/slice_stack.js';
import { ksvd, omp } from './sparse_coding.js';

export interface DictionarySynthesisOptions {
  /** Atoms of the joint dictionary. Default 512. */
  readonly atoms?: number;
  /** Atoms per code. Default 5. */
  readonly sparsity?: number;
  /** Patch side (odd). Default 5. */
  readonly patch?: number;
  /** K-SVD rounds. Default 10. */
  readonly iterations?: number;
  /** Training patches drawn from the mask. Default 20 000. */
  readonly maxSamples?: number;
  /** Grid step of the synthesis patches (1: every voxel's patch). Default 2. */
  readonly stride?: number;
  readonly seed?: number;
  readonly onIteration?: (round: number, meanSquaredResidual: number) => void;
}

/** The constant element appended to every source patch. */
const BIAS = 1;

export interface DictionarySynthesisJSON {
  readonly format: 'lacuna-dictionary-synthesis';
  readonly version: 1;
  readonly patch: number;
  readonly channels: number;
  readonly sparsity: number;
  readonly stride: number;
  readonly background: number;
  /** [ds + 1 + dt, K] column-major, the joint atoms (source patch, the constant, target patch). */
  readonly dictionary: number[];
}

/** The p x p x C patch with top-left (r0, c0) of slice s, edges clamped, into out[o..]. */
function patchAt(stack: Float32Array, h: number, w: number, c: number, s: number, r0: number, c0: number, p: number, out: Float64Array, o: number): void {
  let k = o;
  for (let dr = 0; dr < p; dr++) {
    const r = Math.min(h - 1, Math.max(0, r0 + dr));
    for (let dc = 0; dc < p; dc++) {
      const col = Math.min(w - 1, Math.max(0, c0 + dc));
      const base = ((s * h + r) * w + col) * c;
      for (let ch = 0; ch < c; ch++) out[k++] = stack[base + ch]!;
    }
  }
}

export class DictionarySynthesisModel {
  /** The source half with unit atoms, and each atom's source-half norm (to undo the scaling). */
  private readonly sourceUnit: Float64Array;
  private readonly sourceNorm: Float64Array;

  constructor(
    readonly patch: number,
    readonly channels: number,
    readonly sparsity: number,
    readonly stride: number,
    readonly background: number,
    /** [ds + 1 + dt, K] column-major. */
    readonly dictionary: Float64Array,
  ) {
    const ds = patch * patch * channels + 1, dt = patch * patch, d = ds + dt;
    const K = dictionary.length / d;
    if (!Number.isInteger(K) || K < 1) throw new ValueError(`DictionarySynthesisModel: a dictionary of ${dictionary.length} values is not [${d}, K]`);
    this.sourceUnit = new Float64Array(ds * K);
    this.sourceNorm = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      let n = 0;
      for (let i = 0; i < ds; i++) n += dictionary[k * d + i]! ** 2;
      const norm = Math.sqrt(n) || 1;
      this.sourceNorm[k] = norm;
      for (let i = 0; i < ds; i++) this.sourceUnit[k * ds + i] = dictionary[k * d + i]! / norm;
    }
  }

  get atoms(): number {
    return this.sourceNorm.length;
  }

  /** Synthesises the target of source [N, H, W, C] → [N, H, W, 1]; outside the mask `fill`. */
  predict(source: SliceStack, mask?: Uint8Array, fill: number = this.background): SliceStack {
    const [n, h, w, c] = source.shape;
    checkCount(c, this.channels, () => `DictionarySynthesisModel.predict: source has ${c} channel(s), the model was trained on ${this.channels}`);
    if (mask) checkCount(mask.length, n * h * w, () => `DictionarySynthesisModel.predict: mask has ${mask.length} values, the slices need ${n * h * w}`);
    const p = this.patch, half = (p - 1) / 2, ds = p * p * c + 1, dt = p * p, d = ds + dt;
    const sum = new Float64Array(n * h * w), count = new Float64Array(n * h * w);
    const x = new Float64Array(ds);
    x[ds - 1] = BIAS;
    // Grid of patch centres: every `stride` voxels, plus the last row and column.
    const centres = (len: number) => {
      const out: number[] = [];
      for (let i = 0; i < len; i += this.stride) out.push(i);
      if (out[out.length - 1] !== len - 1) out.push(len - 1);
      return out;
    };
    const rows = centres(h), cols = centres(w);
    for (let s = 0; s < n; s++) {
      for (const r of rows) {
        for (const col of cols) {
          // Only patches that touch the mask.
          if (mask) {
            let inside = false;
            for (let dr = -half; dr <= half && !inside; dr++) for (let dc = -half; dc <= half && !inside; dc++) {
              const rr = r + dr, cc = col + dc;
              if (rr >= 0 && rr < h && cc >= 0 && cc < w && mask[(s * h + rr) * w + cc]) inside = true;
            }
            if (!inside) continue;
          }
          patchAt(source.data, h, w, c, s, r - half, col - half, p, x, 0);
          const code = omp(this.sourceUnit, ds, x, this.sparsity);
          for (let dr = 0; dr < p; dr++) {
            const rr = r - half + dr;
            if (rr < 0 || rr >= h) continue;
            for (let dc = 0; dc < p; dc++) {
              const cc = col - half + dc;
              if (cc < 0 || cc >= w) continue;
              let v = 0;
              for (let a = 0; a < code.atoms.length; a++) {
                const k = code.atoms[a]!;
                v += (this.dictionary[k * d + ds + dr * p + dc]! * code.values[a]!) / this.sourceNorm[k]!;
              }
              const i = (s * h + rr) * w + cc;
              sum[i] = sum[i]! + v;
              count[i] = count[i]! + 1;
            }
          }
        }
      }
    }
    const out = new Float32Array(n * h * w);
    for (let i = 0; i < out.length; i++) out[i] = (mask && !mask[i]) || count[i] === 0 ? fill : sum[i]! / count[i]!;
    return { data: out, shape: [n, h, w, 1] };
  }

  toJSON(): DictionarySynthesisJSON {
    return { format: 'lacuna-dictionary-synthesis', version: 1, patch: this.patch, channels: this.channels, sparsity: this.sparsity, stride: this.stride, background: this.background, dictionary: Array.from(this.dictionary, (v) => Math.fround(v)) };
  }

  /** Rebuilds a model from `toJSON()` output; malformed input throws a ValueError naming the field. */
  static fromJSON(json: unknown): DictionarySynthesisModel {
    const j = json as Partial<Record<keyof DictionarySynthesisJSON, unknown>> | null;
    if (typeof j !== 'object' || j === null || j.format !== 'lacuna-dictionary-synthesis') throw new ValueError("DictionarySynthesisModel.fromJSON: format must be 'lacuna-dictionary-synthesis'");
    if (j.version !== 1) throw new ValueError(`DictionarySynthesisModel.fromJSON: unsupported version ${String(j.version)}`);
    for (const f of ['patch', 'channels', 'sparsity', 'stride'] as const) {
      if (!(typeof j[f] === 'number' && Number.isInteger(j[f]) && (j[f] as number) > 0)) throw new ValueError(`DictionarySynthesisModel.fromJSON: ${f} must be a positive integer, got ${String(j[f])}`);
    }
    if (typeof j.background !== 'number' || !Number.isFinite(j.background)) throw new ValueError(`DictionarySynthesisModel.fromJSON: background must be a finite number`);
    if (!Array.isArray(j.dictionary) || !j.dictionary.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new ValueError('DictionarySynthesisModel.fromJSON: dictionary must be an array of finite numbers');
    return new DictionarySynthesisModel(j.patch as number, j.channels as number, j.sparsity as number, j.stride as number, j.background, Float64Array.from(j.dictionary as number[]));
  }
}

/**
 * Learns coupled dictionaries from source [N, H, W, C] to target [N, H, W, 1] on patches centred
 * in `mask` [N, H, W] (all voxels without one). Same inputs and seed give the same model.
 */
export function fitDictionarySynthesis(source: SliceStack, target: SliceStack, mask: Uint8Array | undefined, o: DictionarySynthesisOptions = {}): DictionarySynthesisModel {
  const [n, h, w, c] = source.shape;
  if (target.shape[0] !== n || target.shape[1] !== h || target.shape[2] !== w || target.shape[3] !== 1) throw new ValueError(`fitDictionarySynthesis: target [${target.shape.join(', ')}] must be [${n}, ${h}, ${w}, 1]`);
  const p = o.patch ?? 5;
  if (!(Number.isInteger(p) && p >= 1 && p % 2 === 1)) throw new ValueError(`fitDictionarySynthesis: patch must be an odd positive integer, got ${p}`);
  const atoms = o.atoms ?? 512, sparsity = o.sparsity ?? 5;
  if (!(Number.isInteger(atoms) && atoms >= 2)) throw new ValueError(`fitDictionarySynthesis: atoms must be an integer >= 2, got ${atoms}`);
  if (!(Number.isInteger(sparsity) && sparsity >= 1 && sparsity <= atoms)) throw new ValueError(`fitDictionarySynthesis: sparsity must be in 1..atoms, got ${sparsity}`);
  const half = (p - 1) / 2, ds = p * p * c + 1, dt = p * p, d = ds + dt;
  const voxels: number[] = [];
  let outside = 0, outsideCount = 0;
  for (let i = 0; i < n * h * w; i++) {
    if (!mask || mask[i]) voxels.push(i);
    else {
      outside += target.data[i]!;
      outsideCount++;
    }
  }
  const rng = new data.Random(o.seed ?? 0);
  const take = Math.min(o.maxSamples ?? 20_000, voxels.length);
  if (take < atoms) throw new ValueError(`fitDictionarySynthesis: ${take} training patches for ${atoms} atoms; use fewer atoms or more data`);
  const order = rng.permutation(voxels.length).subarray(0, take);
  const X = new Float64Array(take * d);
  const t = new Float64Array(dt);
  for (let q = 0; q < take; q++) {
    const v = voxels[order[q]!]!;
    const s = Math.floor(v / (h * w)), r = Math.floor((v % (h * w)) / w), col = v % w;
    patchAt(source.data, h, w, c, s, r - half, col - half, p, X, q * d);
    X[q * d + ds - 1] = BIAS;
    patchAt(target.data, h, w, 1, s, r - half, col - half, p, t, 0);
    X.set(t, q * d + ds);
  }
  const D = ksvd(X, d, { atoms, sparsity, iterations: o.iterations ?? 10, seed: (o.seed ?? 0) + 1, ...(o.onIteration ? { onIteration: o.onIteration } : {}) });
  return new DictionarySynthesisModel(p, c, sparsity, o.stride ?? 2, outsideCount > 0 ? outside / outsideCount : -1, D);
}
