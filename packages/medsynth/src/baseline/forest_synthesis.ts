/**
 * The traditional baseline of cross-modality synthesis: a random forest maps each source
 * voxel's patch and context features to the target intensity at that voxel, in the manner of
 * REPLICA (Jog et al. 2017, Medical Image Analysis 35). Training draws up to `maxSamples`
 * voxels uniformly from the mask (bounding time and memory), and prediction runs slice by
 * slice over the masked voxels; voxels outside the mask get the mean target
 * outside the training mask (the background value, −1 after Lacuna's normalisation).
 *
 * Layouts: source stacks are [N, H, W, C] channels last (several source modalities, or a
 * modality's neighbouring slices, as channels — see data/slice_stack.ts); the target is
 * [N, H, W, 1]; masks are Uint8Array [N, H, W], nonzero inside.
 */
import { ValueError, data, checkCount, checkShape } from '@lacuna/core';
import type { SliceStack } from '../data/slice_stack.js';
import {
  checkStack,
  featureCount,
  resolveFeatureOptions,
  sliceFeatures,
  stackFeatures,
  type PatchFeatureOptions,
  type ResolvedPatchFeatureOptions,
} from './patch_features.js';
import { RegressionForest, fitRegressionForest, type RegressionForestJSON, type RegressionForestOptions } from './regression_forest.js';

export interface ForestSynthesisOptions extends PatchFeatureOptions, Omit<RegressionForestOptions, 'sampleFraction'> {
  /** Voxels drawn (without replacement) from the mask to train on. Default 100 000. */
  readonly maxSamples?: number;
}

/** Plain-JSON form of a {@link ForestSynthesisModel}. */
export interface ForestSynthesisJSON {
  readonly format: 'lacuna-forest-synthesis';
  readonly version: 1;
  readonly channels: number;
  readonly features: ResolvedPatchFeatureOptions;
  readonly background: number;
  readonly trainingSamples: number;
  readonly forest: RegressionForestJSON;
}

function checkMask(mask: Uint8Array | undefined, n: number, h: number, w: number, what: string): void {
  if (mask !== undefined) checkCount(mask.length, n * h * w, () => `${what}: mask has ${mask.length} values, the slices [${n}, ${h}, ${w}] need ${n * h * w}`);
}

/** Flat [N, H, W] indexes of the voxels inside the mask (all voxels without one), increasing. */
function maskedVoxels(mask: Uint8Array | undefined, count: number): Int32Array {
  if (!mask) return Int32Array.from({ length: count }, (_, i) => i);
  let m = 0;
  for (let i = 0; i < count; i++) if (mask[i]) m++;
  const out = new Int32Array(m);
  for (let i = 0, k = 0; i < count; i++) if (mask[i]) out[k++] = i;
  return out;
}

/** A trained forest synthesiser: features, the forest, and the background value. */
export class ForestSynthesisModel {
  constructor(
    readonly features: ResolvedPatchFeatureOptions,
    readonly channels: number,
    readonly forest: RegressionForest,
    /** Value written outside the mask at prediction (mean training target outside its mask; 0 if none). */
    readonly background: number,
    readonly trainingSamples: number,
  ) {
    if (forest.nFeatures !== featureCount(features, channels)) {
      throw new ValueError(`ForestSynthesisModel: the forest takes ${forest.nFeatures} features, ${channels} channel(s) with these feature options give ${featureCount(features, channels)}`);
    }
  }

  /**
   * Synthesises the target for every masked voxel of source [N, H, W, C] (C as trained; H and W
   * may differ from training) → [N, H, W, 1]; voxels outside the mask get `fill` (default the
   * model's background).
   */
  predict(source: SliceStack, mask?: Uint8Array, fill: number = this.background): SliceStack {
    const [n, h, w, c] = checkStack(source, 'ForestSynthesisModel.predict: source');
    checkCount(c, this.channels, () => `ForestSynthesisModel.predict: source has ${c} channel(s), the model was trained on ${this.channels}`);
    checkMask(mask, n, h, w, 'ForestSynthesisModel.predict');
    const per = h * w;
    const nf = this.forest.nFeatures;
    const out = new Float32Array(n * per).fill(fill);
    const feats = new Float32Array(per * nf);
    for (let s = 0; s < n; s++) {
      const pixels = maskedVoxels(mask?.subarray(s * per, (s + 1) * per), per);
      if (pixels.length === 0) continue;
      const x = feats.subarray(0, pixels.length * nf);
      sliceFeatures(source.data.subarray(s * per * c, (s + 1) * per * c), h, w, c, pixels, this.features, x, 0);
      const pred = this.forest.predict(x);
      for (let k = 0; k < pixels.length; k++) out[s * per + pixels[k]!] = pred[k]!;
    }
    return { data: out, shape: [n, h, w, 1] };
  }

  toJSON(): ForestSynthesisJSON {
    return {
      format: 'lacuna-forest-synthesis',
      version: 1,
      channels: this.channels,
      features: this.features,
      background: this.background,
      trainingSamples: this.trainingSamples,
      forest: this.forest.toJSON(),
    };
  }

  /** Rebuilds a model from `toJSON()` output; malformed input throws a ValueError naming the field. */
  static fromJSON(json: unknown): ForestSynthesisModel {
    const j = json as Partial<Record<keyof ForestSynthesisJSON, unknown>> | null;
    if (typeof j !== 'object' || j === null || j.format !== 'lacuna-forest-synthesis') throw new ValueError("ForestSynthesisModel.fromJSON: format must be 'lacuna-forest-synthesis'");
    if (j.version !== 1) throw new ValueError(`ForestSynthesisModel.fromJSON: unsupported version ${String(j.version)}`);
    const channels = j.channels;
    if (typeof channels !== 'number' || !Number.isInteger(channels) || channels < 1) throw new ValueError(`ForestSynthesisModel.fromJSON: channels must be a positive integer, got ${String(channels)}`);
    for (const field of ['background', 'trainingSamples'] as const) {
      if (typeof j[field] !== 'number' || !Number.isFinite(j[field])) throw new ValueError(`ForestSynthesisModel.fromJSON: ${field} must be a finite number, got ${String(j[field])}`);
    }
    let features: ResolvedPatchFeatureOptions;
    try {
      features = resolveFeatureOptions((j.features ?? {}) as PatchFeatureOptions);
    } catch (e) {
      throw new ValueError(`ForestSynthesisModel.fromJSON: features: ${(e as Error).message}`);
    }
    return new ForestSynthesisModel(features, channels, RegressionForest.fromJSON(j.forest), j.background as number, j.trainingSamples as number);
  }
}

/**
 * Trains a forest synthesiser from source [N, H, W, C] to target [N, H, W, 1] on the voxels in
 * `mask` [N, H, W] (all voxels without one). Same inputs and seed give the same model.
 */
export function fitForestSynthesis(source: SliceStack, target: SliceStack, mask?: Uint8Array, options: ForestSynthesisOptions = {}): ForestSynthesisModel {
  const [n, h, w, c] = checkStack(source, 'fitForestSynthesis: source');
  checkStack(target, 'fitForestSynthesis: target');
  checkShape(target.shape, [n, h, w, 1], 'fitForestSynthesis', () => `fitForestSynthesis: target must be [${n}, ${h}, ${w}, 1] to match the source, got [${target.shape.join(', ')}]`);
  checkMask(mask, n, h, w, 'fitForestSynthesis');
  const features = resolveFeatureOptions(options);
  const maxSamples = options.maxSamples ?? 100_000;
  if (!Number.isInteger(maxSamples) || maxSamples < 1) throw new ValueError(`fitForestSynthesis: maxSamples must be a positive integer, got ${maxSamples}`);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new ValueError(`fitForestSynthesis: seed must be an integer >= 0, got ${seed}`);

  let voxels = maskedVoxels(mask, n * h * w);
  if (voxels.length === 0) throw new ValueError('fitForestSynthesis: the mask selects no voxels');
  const rng = new data.Random(seed);
  if (voxels.length > maxSamples) {
    // Partial Fisher–Yates: the first maxSamples entries become a uniform subsample.
    for (let i = 0; i < maxSamples; i++) {
      const j = rng.int(i, voxels.length);
      const t = voxels[i]!;
      voxels[i] = voxels[j]!;
      voxels[j] = t;
    }
    voxels = voxels.slice(0, maxSamples).sort();
  }
  const x = stackFeatures(source, voxels, features);
  const y = new Float32Array(voxels.length);
  for (let k = 0; k < voxels.length; k++) y[k] = target.data[voxels[k]!]!;

  let outside = 0;
  let outsideCount = 0;
  if (mask) {
    for (let i = 0; i < mask.length; i++) {
      if (!mask[i]) {
        outside += target.data[i]!;
        outsideCount++;
      }
    }
  }
  const forest = fitRegressionForest(x, y, featureCount(features, c), { ...options, seed: rng.int(0, 2 ** 32), sampleFraction: 1 });
  return new ForestSynthesisModel(features, c, forest, outsideCount > 0 ? outside / outsideCount : 0, voxels.length);
}

