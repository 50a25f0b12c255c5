/**
 * Whole-volume prediction: source NIfTI volumes → normalised axial slices → the model, a few
 * slices at a time → the target modality in its own units, on the input's grid and affine
 * (the work is done on the subject's working grid, RAS by default, and mapped back).
 * Voxels outside the head mask get the target's background (−1 before denormalising: 0 for MR
 * and PET, the window's low end for CT).
 */
import { ValueError, data } from '@lacuna/core';
import { denormalizeIntensity, type IntensityNorm, type NormSettings } from '../data/intensity_norm.js';
import { pairSubject, type VolumeReader } from '../data/paired_volumes.js';
import type { GeometryOptions } from '../data/subject_geometry.js';
import { axialStack, cropSlices } from '../data/slice_stack.js';
import { fromPlane, planeDims, PLANES, toPlane, type Plane } from '../data/volume_planes.js';
import { slidingWindowPredict } from './sliding_window.js';
import type { SliceSynthesizer } from './slice_synthesizer.js';

/** What prediction needs to know about a trained model (stored in its medsynth.json). */
export interface SynthesisModelInfo {
  readonly sourceModalities: readonly string[];
  readonly targetModality: string;
  readonly context: number;
  /** H and W are padded to a multiple of this. */
  readonly multiple: number;
  readonly norm: NormSettings;
  /** Sliding-window inference and mirror averaging the model was validated with (absent: whole slices, no mirror). */
  readonly inference?: { readonly window?: number; readonly overlap?: number; readonly mirror?: boolean };
  /** The working grid the model was trained on (orientation, voxel size); absent in older models: RAS, the input's voxels. */
  readonly geometry?: GeometryOptions;
  /** Maps predictions back to the target's units (median over the training subjects). */
  readonly targetNorm: IntensityNorm;
}

export interface PredictVolumeOptions {
  /** A head-mask volume (its name for the reader); default: computed from the first source. */
  readonly mask?: string;
  /**
   * Slices across which plane of the working grid: 'axial' (default; what the models here are
   * trained on), 'coronal', 'sagittal', or 'triplanar' (the mean of the three planes' predictions).
   */
  readonly plane?: Plane | 'triplanar';
  /** Predict in square windows of this side with Gaussian blending (default: the model's inference.window, else whole slices). */
  readonly window?: number;
  /** Overlap of the windows, [0, 1). Default 0.25. */
  readonly overlap?: number;
  /** Windows per forward pass with `window`. Default 8. */
  readonly batch?: number;
  /** Progress over the slices (or windows) of every plane. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * The normalised prediction [nz][ny][nx] on the working grid: per plane, its slices (or their
 * windows) through the model, put back in place; several planes are averaged.
 */
export function predictPlanes(synthesizer: SliceSynthesizer, info: Pick<SynthesisModelInfo, 'context' | 'multiple'>, sources: readonly Float32Array[], mask: Float32Array, dims: readonly [number, number, number], options: Omit<PredictVolumeOptions, 'mask'> = {}): Float32Array {
  const planes: Plane[] = options.plane === 'triplanar' ? [...PLANES] : [options.plane ?? 'axial'];
  if (options.window !== undefined && options.window % info.multiple !== 0) throw new ValueError(`predict: the window (${options.window}) must be a multiple of ${info.multiple} for this network`);
  const total = planes.reduce((n, p) => n + planeDims(dims, p)[2], 0);
  let done = 0;
  const sum = new Float32Array(dims[0] * dims[1] * dims[2]);
  for (const plane of planes) {
    const pd = planeDims(dims, plane);
    const src = sources.map((s) => toPlane(s, dims, plane));
    const m = toPlane(mask, dims, plane);
    const multiple = options.window ? 1 : info.multiple;
    const stack = axialStack(src, pd, { context: info.context, multiple });
    const maskStack = axialStack([m], pd, { multiple, padValue: 0 });
    const out = options.window
      ? slidingWindowPredict(synthesizer, stack, { window: options.window, ...(options.overlap !== undefined ? { overlap: options.overlap } : {}), ...(options.batch ? { batch: options.batch } : {}), onProgress: (d, t) => options.onProgress?.(done + Math.round((d / t) * pd[2]), total) }, maskStack)
      : synthesizer.predict(stack, maskStack);
    done += pd[2];
    options.onProgress?.(done, total);
    const back = fromPlane(cropSlices(out, pd[0], pd[1]), dims, plane);
    for (let v = 0; v < sum.length; v++) sum[v]! += back[v]!;
  }
  if (planes.length > 1) for (let v = 0; v < sum.length; v++) sum[v] = sum[v]! / planes.length;
  return sum;
}

/**
 * Sets voxels outside the head mask to the normalised background −1, in place: what predict
 * delivers, and so also what training scores (metrics.json), so both give the same numbers.
 */
export function fillBackground(normalised: Float32Array, mask: Uint8Array, offset = 0): Float32Array {
  for (let v = 0; v < normalised.length; v++) if (!mask[offset + v]) normalised[v] = -1;
  return normalised;
}

/**
 * The synthesised target volume (and the head mask used) for the named source volumes, read
 * with `read` (under Node, predictVolume reads NIfTI files; in a page, decode dropped bytes).
 */
export async function synthesizeVolume(synthesizer: SliceSynthesizer, info: SynthesisModelInfo, sourcePaths: readonly string[], read: VolumeReader, options: PredictVolumeOptions = {}): Promise<{ volume: data.Volume; mask: Uint8Array }> {
  if (sourcePaths.length !== info.sourceModalities.length) {
    throw new ValueError(`predict: the model takes ${info.sourceModalities.length} source volume(s) (${info.sourceModalities.join(', ')}), got ${sourcePaths.length}`);
  }
  const subject = await pairSubject({ id: 'input', source: sourcePaths, ...(options.mask ? { mask: options.mask } : {}) }, { sourceModalities: info.sourceModalities, targetModality: info.targetModality, norm: info.norm, ...(info.geometry ? { geometry: info.geometry } : {}) }, read);
  const { dims, spacing, affine } = subject.grid;
  // The model's own inference settings unless the caller gives others.
  const window = options.window ?? info.inference?.window;
  const overlap = options.overlap ?? info.inference?.overlap;
  const predicted = predictPlanes(synthesizer, info, subject.source, Float32Array.from(subject.mask), dims, { ...options, ...(window ? { window } : {}), ...(overlap !== undefined ? { overlap } : {}) });
  fillBackground(predicted, subject.mask);
  // Back on the input's own grid (its orientation and voxel size), so it overlays the input.
  const volume = subject.geometry.toOriginal({ data: denormalizeIntensity(predicted, info.targetNorm), dims, spacing, affine }, 'linear');
  const mask = subject.geometry.toOriginal({ data: Float32Array.from(subject.mask), dims, spacing, affine }, 'nearest');
  return { volume, mask: Uint8Array.from(mask.data) };
}
