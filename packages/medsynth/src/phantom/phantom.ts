/**
 * One phantom subject end to end: parameters → anatomy (fuzzy fractions, optional lesions) →
 * labels → co-registered T1w, T2w, PD, FLAIR, CT and FDG-PET, each with its own noise model —
 * a simulator in the spirit of BrainWeb (Collins et al., IEEE TMI 17:463, 1998; Kwan et al.,
 * IEEE TMI 18:1085, 1999). Everything is deterministic given (seed, index).
 */
import { ConfigError, data } from '@lacuna/core';
import { addLesions, type Lesion, type LesionOptions } from './lesions.js';
import { buildAnatomy, labelsFromFractions } from './anatomy.js';
import { biasField } from './bias_field.js';
import { gaussianBlur } from './blur.js';
import { siteProfile, type SiteName } from './site_profiles.js';
import { DEFAULT_FOV_MM, phantomGrid, type PhantomGrid } from './grid.js';
import { addRicianNoise } from './noise.js';
import { mixTissuesMany } from './partial_volume.js';
import { streamSeed } from './seeds.js';
import { addCtNoise } from './signal_ct.js';
import { DEFAULT_MR_SEQUENCES, mrTissueSignals, nullingInversionTime, type MrModality, type MrSequence } from './signal_mr.js';
import { addGreyMatterUptake, PET_UPTAKE_EXCEPT_GM, petImage } from './signal_pet.js';
import { drawSubjectParams, type SubjectParams } from './subject_params.js';
import { CT_HU, mrTissueProperties, TISSUES, type FieldStrength, type Tissue } from './tissues.js';

/** The phantom's modalities, in file order. */
export const MODALITIES = ['t1', 't2', 'pd', 'flair', 'ct', 'pet'] as const;
export type Modality = (typeof MODALITIES)[number];
export const MR_MODALITIES: readonly MrModality[] = ['t1', 't2', 'pd', 'flair'];

export interface PhantomOptions {
  /** Cohort seed (an integer in [0, 2^53)). Default 0. */
  readonly seed?: number;
  /** Isotropic voxel size (mm). Default 2. */
  readonly voxel?: number;
  /** Field of view (mm). Default 180 × 216 × 180 (BrainWeb's). */
  readonly fovMm?: readonly [number, number, number];
  /** MR field strength: relaxation times at 1.5 T (default) or 3 T. */
  readonly field?: FieldStrength;
  /** MR sequences; missing ones take DEFAULT_MR_SEQUENCES. */
  readonly sequences?: Partial<Record<MrModality, MrSequence>>;
  /** Add white-matter lesions. Default false. */
  readonly lesions?: boolean;
  readonly lesionOptions?: LesionOptions;
  /** Master switch for all noise (Rician MR, CT, PET counts). Default true. */
  readonly noise?: boolean;
  /** MR Rician noise σ as a fraction of the brightest of CSF, GM and WM in each sequence (BrainWeb's convention). Default 0.03. */
  readonly mrNoise?: number;
  /** MR bias field: max |1 − field| over the grid. Default 0.2; 0 disables it. */
  readonly biasAmplitude?: number;
  /** CT noise standard deviation (HU). Default 5. */
  readonly ctNoiseHu?: number;
  /** PET point-spread function FWHM (mm). Default 5.5. */
  readonly petFwhmMm?: number;
  /** PET expected counts per mL of white-matter-level activity. Default 8000. */
  readonly petCountsPerMl?: number;
  /**
   * A scanner profile (site_profiles.ts): its field, sequences, noise, bias, resolution and gain
   * become the defaults of those options (options given explicitly still win). Default: none,
   * which is site A's settings.
   */
  readonly site?: SiteName;
  /** MR point-spread function FWHM in mm, applied before the bias field and noise. Default 0 (none). */
  readonly mrFwhmMm?: number;
  /** MR receive gain. Default 1. */
  readonly mrGain?: number;
}

export type ResolvedPhantomOptions = Required<Omit<PhantomOptions, 'sequences' | 'lesionOptions' | 'site'>> & {
  readonly site?: SiteName;
  readonly sequences: Readonly<Record<MrModality, MrSequence>>;
  readonly lesionOptions: LesionOptions;
};

/** Scalar anatomy parameters as stored in subject.json (the random wave fields follow from the seed). */
export type SubjectParameterSummary = Omit<SubjectParams, 'deformationWaves' | 'foldWaves' | 'index' | 'seed' | 'diseased'>;

export interface SubjectMeta {
  readonly id: string;
  readonly index: number;
  readonly seed: number;
  readonly diseased: boolean;
  readonly parameters: SubjectParameterSummary;
  readonly lesionCount: number;
  readonly lesions: readonly Lesion[];
  /** Σ fraction × voxel volume per tissue (mL). */
  readonly tissueVolumesMl: Readonly<Record<Tissue, number>>;
  /** Rician σ of each MR image (signal units), 0 when noise is off. */
  readonly mrNoiseSigma: Readonly<Record<MrModality, number>>;
  /** Inversion time used for FLAIR (ms). */
  readonly flairTiMs: number;
}

export interface PhantomSubject {
  readonly id: string;
  /** Tissue label per voxel (index in TISSUES). */
  readonly labels: data.Volume;
  readonly fractions: Readonly<Record<Tissue, data.Volume>>;
  readonly modalities: Readonly<Record<Modality, data.Volume>>;
  /** Weight of the disease region in [0, 1] (defined for every subject; only diseased ones are affected). */
  readonly region: data.Volume;
  readonly meta: SubjectMeta;
}

/** The subject id of index i: sub-001, sub-002, … */
export function subjectId(index: number): string {
  return `sub-${String(index + 1).padStart(3, '0')}`;
}

function numberOption(name: string, value: unknown, fallback: number, ok: (v: number) => boolean, what: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) throw new ConfigError(`phantom: ${name} must be ${what}, got ${String(value)}`, name, value);
  return value;
}

/** Fills in defaults and checks every option, naming the bad one. */
export function resolvePhantomOptions(o: PhantomOptions = {}): ResolvedPhantomOptions {
  const seed = numberOption('seed', o.seed, 0, (v) => Number.isSafeInteger(v) && v >= 0, 'an integer in [0, 2^53)');
  const voxel = numberOption('voxel', o.voxel, 2, (v) => v >= 0.5 && v <= 8, 'a voxel size in mm between 0.5 and 8');
  const profile = o.site === undefined ? null : siteProfile(o.site);
  const field = o.field ?? profile?.field ?? 1.5;
  if (field !== 1.5 && field !== 3) throw new ConfigError(`phantom: field must be 1.5 or 3 (tesla), got ${String(field)}`, 'field', field);
  const sequences = { ...DEFAULT_MR_SEQUENCES, ...(profile?.sequences ?? {}), ...(o.sequences ?? {}) };
  for (const m of MR_MODALITIES) mrTissueSignals(sequences[m], field, m); // validates
  return {
    seed,
    voxel,
    fovMm: o.fovMm ?? DEFAULT_FOV_MM,
    field,
    sequences,
    lesions: o.lesions ?? false,
    lesionOptions: o.lesionOptions ?? {},
    noise: o.noise ?? true,
    mrNoise: numberOption('mrNoise', o.mrNoise, profile?.mrNoise ?? 0.03, (v) => v >= 0, 'a fraction >= 0'),
    biasAmplitude: numberOption('biasAmplitude', o.biasAmplitude, profile?.biasAmplitude ?? 0.2, (v) => v >= 0 && v < 1, 'in [0, 1)'),
    mrFwhmMm: numberOption('mrFwhmMm', o.mrFwhmMm, profile?.mrFwhmMm ?? 0, (v) => v >= 0, 'a FWHM in mm >= 0'),
    mrGain: numberOption('mrGain', o.mrGain, profile?.mrGain ?? 1, (v) => v > 0, 'a gain > 0'),
    ...(o.site !== undefined ? { site: o.site } : {}),
    ctNoiseHu: numberOption('ctNoiseHu', o.ctNoiseHu, 5, (v) => v >= 0, 'a standard deviation in HU >= 0'),
    petFwhmMm: numberOption('petFwhmMm', o.petFwhmMm, 5.5, (v) => v >= 0, 'a FWHM in mm >= 0'),
    petCountsPerMl: numberOption('petCountsPerMl', o.petCountsPerMl, 8000, (v) => v > 0, 'a count density > 0'),
  };
}

function volume(values: Float32Array, grid: PhantomGrid): data.Volume {
  return { data: values, dims: grid.dims, spacing: grid.spacing, affine: grid.affine };
}

function summary(p: SubjectParams): SubjectParameterSummary {
  const { deformationWaves: _d, foldWaves: _f, index: _i, seed: _s, diseased: _x, ...rest } = p;
  return rest;
}

/** Generates subject `index` (0-based) of the cohort described by `options`. */
export function generatePhantomSubject(index: number, options: PhantomOptions = {}): PhantomSubject {
  if (!Number.isSafeInteger(index) || index < 0) throw new ConfigError(`phantom: subject index must be an integer >= 0, got ${index}`, 'index', index);
  const o = resolvePhantomOptions(options);
  const grid = phantomGrid(o.voxel, o.fovMm);
  const params = drawSubjectParams(o.seed, index);
  const anatomy = buildAnatomy(params, grid);
  const fractions = anatomy.fractions;
  const lesions = o.lesions ? addLesions(fractions, grid, o.seed, index, o.lesionOptions) : [];
  const labels = new Float32Array(labelsFromFractions(fractions));
  const voxelMl = (grid.spacing[0] * grid.spacing[1] * grid.spacing[2]) / 1000;

  // MR: partial-volume signal, × bias field, then Rician noise.
  const bias = o.biasAmplitude > 0 ? biasField(grid, o.biasAmplitude, new data.Random(streamSeed(o.seed, index, 'bias'))) : undefined;
  const mrRng = new data.Random(streamSeed(o.seed, index, 'mr-noise'));
  const signals = MR_MODALITIES.map((m) => mrTissueSignals(o.sequences[m], o.field, m));
  // One pass over the fractions for all six images (MR ×4, CT, PET without grey matter).
  const mixed = mixTissuesMany(fractions, [...signals, CT_HU, PET_UPTAKE_EXCEPT_GM]);
  const mr = {} as Record<MrModality, Float32Array>;
  const mrNoiseSigma = {} as Record<MrModality, number>;
  MR_MODALITIES.forEach((m, mi) => {
    const img = mixed[mi]!;
    const s = signals[mi]!;
    // Site A / default: no PSF and unit gain, so the images are those of earlier versions bit for bit.
    if (o.mrFwhmMm > 0) img.set(gaussianBlur(img, grid.dims, grid.spacing, o.mrFwhmMm));
    if (o.mrGain !== 1) for (let v = 0; v < img.length; v++) img[v]! *= o.mrGain;
    if (bias) for (let v = 0; v < img.length; v++) img[v]! *= bias[v]!;
    const sigma = o.noise ? o.mrNoise * o.mrGain * Math.max(s.csf, s.gm, s.wm) : 0;
    if (sigma > 0) addRicianNoise(img, sigma, mrRng);
    mr[m] = img;
    mrNoiseSigma[m] = sigma;
  });
  const ct = addCtNoise(mixed[4]!, grid, o.noise ? o.ctNoiseHu : 0, new data.Random(streamSeed(o.seed, index, 'ct-noise')));
  const activity = mixed[5]!;
  addGreyMatterUptake(activity, fractions.gm, anatomy.region, params.hypometabolism);
  const pet = petImage(activity, grid, { fwhmMm: o.petFwhmMm, countsPerMl: o.noise ? o.petCountsPerMl : 0 }, new data.Random(streamSeed(o.seed, index, 'pet-noise')));

  const tissueVolumesMl = {} as Record<Tissue, number>;
  for (const t of TISSUES) {
    const f = fractions[t];
    let s = 0;
    for (let v = 0; v < f.length; v++) s += f[v]!;
    tissueVolumesMl[t] = s * voxelMl;
  }
  const flair = o.sequences.flair;
  const flairTiMs = flair.kind === 'inversion-recovery' ? (flair.ti ?? nullingInversionTime(mrTissueProperties(o.field).csf.t1, flair.tr)) : 0;
  const id = subjectId(index);
  return {
    id,
    labels: volume(labels, grid),
    fractions: Object.fromEntries(TISSUES.map((t) => [t, volume(fractions[t], grid)])) as Record<Tissue, data.Volume>,
    modalities: { t1: volume(mr.t1, grid), t2: volume(mr.t2, grid), pd: volume(mr.pd, grid), flair: volume(mr.flair, grid), ct: volume(ct, grid), pet: volume(pet, grid) },
    region: volume(anatomy.region, grid),
    meta: {
      id,
      index,
      seed: o.seed,
      diseased: params.diseased,
      parameters: summary(params),
      lesionCount: lesions.length,
      lesions,
      tissueVolumesMl,
      mrNoiseSigma,
      flairTiMs,
    },
  };
}
