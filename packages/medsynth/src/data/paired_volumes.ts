/**
 * Paired volumes: each subject's source modalities (one or more) and target, checked to lie on
 * one grid, with a head mask and per-modality intensity normalisation, then stacked into axial
 * slices for training and evaluation. Volumes come from a reader (NIfTI files under Node:
 * paired_files.ts; dropped or fetched bytes in a page).
 */
import { ValueError, data } from '@lacuna/core';
import { headMask } from './head_mask.js';
import { subjectGeometry, type GeometryOptions, type SubjectGeometry } from './subject_geometry.js';
import { fitIntensityNorm, modalityKind, normalizeIntensity, type IntensityNorm, type NormSettings } from './intensity_norm.js';
import { axialStack, concatStacks, sliceRange, type SliceStack } from './slice_stack.js';

/** Reads the volume a subject names (a file path, or a name in a page's set of files). */
export type VolumeReader = (name: string) => Promise<data.Volume>;

/** The files of one subject. */
export interface SubjectFiles {
  readonly id: string;
  /** One file per source modality, in the order of the model's input channels. */
  readonly source: readonly string[];
  /** The target modality (absent at prediction time). */
  readonly target?: string;
  /** A head mask (> 0.5 inside); default: computed from the first source. */
  readonly mask?: string;
  /** Inclusive axial slice range used from this subject (on the working grid: along S/I in RAS). Default all. */
  readonly slices?: readonly [number, number];
  /** A label volume for task-oriented training (e.g. the phantom's tissue labels). */
  readonly labels?: string;
}

/** A loaded, normalised subject. */
export interface PairedSubject {
  readonly id: string;
  /** The first source on the working grid (values in its own units). */
  readonly grid: data.Volume;
  /** The working grid and the way back to the input's own grid. */
  readonly geometry: SubjectGeometry;
  readonly source: Float32Array[]; // normalised, one per modality
  readonly target?: Float32Array; // normalised
  readonly targetRaw?: Float32Array; // in the target's units
  readonly mask: Uint8Array;
  readonly sourceNorms: IntensityNorm[];
  readonly targetNorm?: IntensityNorm;
  readonly slices: readonly [number, number];
  /** Integer labels (when the files name a label volume). */
  readonly labels?: Uint8Array;
}

export interface ModalityOptions {
  /** Source modality names (t1, t2, pd, flair, ct, pet, or others treated as MR). */
  readonly sourceModalities: readonly string[];
  readonly targetModality: string;
  readonly norm?: NormSettings;
  /** The working grid: orientation (default RAS) and voxel size (default the reference's). */
  readonly geometry?: GeometryOptions;
}

function checkFinite(values: Float32Array, path: string): void {
  for (let v = 0; v < values.length; v++) {
    if (!Number.isFinite(values[v]!)) throw new ValueError(`${path}: voxel ${v} is ${values[v]} (NaN or infinite values are not allowed)`);
  }
}

/**
 * Reads (with `read`) and normalises one subject. Every volume is brought onto the subject's
 * working grid (see subject_geometry.ts): the target's grid (the first source's without a
 * target), in RAS orientation by default; files on other grids are resampled through their affines.
 */
export async function pairSubject(files: SubjectFiles, options: ModalityOptions, read: VolumeReader): Promise<PairedSubject> {
  if (files.source.length !== options.sourceModalities.length) {
    throw new ValueError(`subject ${files.id}: ${files.source.length} source files given for ${options.sourceModalities.length} source modalities (${options.sourceModalities.join(', ')})`);
  }
  const sourcesRead = await Promise.all(files.source.map((p) => read(p)));
  const targetRead = files.target === undefined ? undefined : await read(files.target);
  for (const [i, s] of sourcesRead.entries()) checkFinite(s.data, files.source[i]!);
  if (targetRead) checkFinite(targetRead.data, files.target!);
  const geometry = targetRead ? subjectGeometry(targetRead, files.target!, options.geometry) : subjectGeometry(sourcesRead[0]!, files.source[0]!, options.geometry);
  const sources = sourcesRead.map((s, i) => geometry.toWork(s, files.source[i]!, 'linear'));
  const target = targetRead ? geometry.toWork(targetRead, files.target!, 'linear') : undefined;
  const grid = sources[0]!;
  const gridName = files.source[0]!;
  let mask: Uint8Array;
  if (files.mask) {
    const m = geometry.toWork(await read(files.mask), files.mask, 'nearest');
    mask = Uint8Array.from(m.data, (x) => (x > 0.5 ? 1 : 0));
  } else {
    mask = headMask(grid, { kind: modalityKind(options.sourceModalities[0]!) });
  }
  if (!mask.some((m) => m > 0)) throw new ValueError(`subject ${files.id}: the head mask of ${files.mask ?? gridName} is empty`);
  let labels: Uint8Array | undefined;
  if (files.labels) {
    const l = geometry.toWork(await read(files.labels), files.labels, 'nearest');
    labels = new Uint8Array(l.data.length);
    for (let v = 0; v < labels.length; v++) {
      const x = l.data[v]!;
      if (!(Number.isInteger(x) && x >= 0 && x < 256)) throw new ValueError(`${files.labels}: voxel ${v} is ${x}; labels must be integers in 0..255`);
      labels[v] = x;
    }
  }
  const fit = (modality: string, values: Float32Array, name: string) => {
    try {
      return fitIntensityNorm(modalityKind(modality), values, mask, options.norm);
    } catch (e) {
      throw e instanceof ValueError ? new ValueError(`${name}: ${e.message}`) : e;
    }
  };
  const sourceNorms = sources.map((s, i) => fit(options.sourceModalities[i]!, s.data, files.source[i]!));
  const targetNorm = target ? fit(options.targetModality, target.data, files.target!) : undefined;
  return {
    id: files.id,
    grid,
    geometry,
    source: sources.map((s, i) => normalizeIntensity(s.data, sourceNorms[i]!)),
    ...(target && targetNorm ? { target: normalizeIntensity(target.data, targetNorm), targetRaw: target.data, targetNorm } : {}),
    mask,
    sourceNorms,
    slices: sliceRange(grid.dims[2], files.slices),
    ...(labels ? { labels } : {}),
  };
}

/** Stacked slices of several subjects plus where each slice came from. */
export interface PairedStacks {
  readonly source: SliceStack; // [N, H, W, Cs·(2·context+1)]
  readonly target: SliceStack; // [N, H, W, 1]
  readonly mask: SliceStack; // [N, H, W, 1]
  /** Labels as float class ids [N, H, W, 1] (padding 0), when every subject has labels. */
  readonly labels?: SliceStack;
  readonly index: readonly { readonly subject: string; readonly slice: number }[];
}

export interface StackOptions {
  readonly context?: number;
  /** Pad H, W to a multiple (2^depth for a U-Net). */
  readonly multiple?: number;
  /** Keep only slices with at least this fraction of head-mask pixels. Default 0.05. */
  readonly minMaskFraction?: number;
}

/** Stacks the subjects' slices (with targets) for training or evaluation. */
export function stackSubjects(subjects: readonly PairedSubject[], options: StackOptions = {}): PairedStacks {
  const parts: { source: SliceStack; target: SliceStack; mask: SliceStack; labels?: SliceStack }[] = [];
  const withLabels = subjects.every((s) => s.labels);
  const index: { subject: string; slice: number }[] = [];
  const minFraction = options.minMaskFraction ?? 0.05;
  for (const s of subjects) {
    if (!s.target) throw new ValueError(`stackSubjects: subject ${s.id} has no target volume`);
    const [nx, ny] = s.grid.dims;
    const plane = nx * ny;
    for (let k = s.slices[0]; k <= s.slices[1]; k++) {
      let inMask = 0;
      for (let v = k * plane; v < (k + 1) * plane; v++) inMask += s.mask[v]!;
      if (inMask < minFraction * plane) continue;
      const one = { slices: [k, k] as const, multiple: options.multiple ?? 1 };
      parts.push({
        source: axialStack(s.source, s.grid.dims, { ...one, context: options.context ?? 0 }),
        target: axialStack([s.target], s.grid.dims, one),
        mask: axialStack([Float32Array.from(s.mask)], s.grid.dims, { ...one, padValue: 0 }),
        ...(withLabels ? { labels: axialStack([Float32Array.from(s.labels!)], s.grid.dims, { ...one, padValue: 0 }) } : {}),
      });
      index.push({ subject: s.id, slice: k });
    }
  }
  if (parts.length === 0) throw new ValueError(`stackSubjects: no slice of ${subjects.map((s) => s.id).join(', ')} has head-mask pixels`);
  return {
    source: concatStacks(parts.map((p) => p.source)),
    target: concatStacks(parts.map((p) => p.target)),
    mask: concatStacks(parts.map((p) => p.mask)),
    ...(withLabels ? { labels: concatStacks(parts.map((p) => p.labels!)) } : {}),
    index,
  };
}
