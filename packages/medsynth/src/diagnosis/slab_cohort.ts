/**
 * The diagnosis cohort: phantom subjects reduced to a subject-level slab — a few axial slices
 * through the temporo-parietal disease region — of every MR modality and of FDG-PET, each
 * normalised as the synthesis pipeline does (data/intensity_norm.ts): MR by the 99.5th
 * percentile inside the head, PET by its mean uptake inside the head (SUV-like), both to
 * [−1, 1]-ish. Slices are padded with −1 (background) to a multiple of 2^depth for the U-Net.
 *
 * Every subject has PET here; which subjects "have" it is decided per experiment seed
 * (availability.ts). Cohorts are cached in a `CohortCache` since the volumes depend only on the
 * phantom settings, not on the experiment seed or p.
 */
import { ValueError } from '@lacuna/core';
import { headMask } from '../data/head_mask.js';
import { fitIntensityNorm, normalizeIntensity } from '../data/intensity_norm.js';
import { axialStack } from '../data/slice_stack.js';
import { generatePhantomSubject } from '../phantom/phantom.js';
import type { MrModality } from '../phantom/signal_mr.js';

export interface SlabCohortOptions {
  readonly subjects: number;
  readonly voxel: number;
  readonly phantomSeed: number;
  readonly mri: readonly MrModality[];
  readonly slices: number;
  readonly sliceStepMm: number;
  readonly slabCentreMm: number;
  /** Pad H and W to a multiple of this (2^generator depth). */
  readonly multiple: number;
}

export interface SlabCohort {
  readonly ids: readonly string[];
  /** 1 = diseased, 0 = healthy. */
  readonly labels: Uint8Array; // [N]
  readonly slices: number; // S
  readonly height: number; // H (padded ny)
  readonly width: number; // W (padded nx)
  readonly mriChannels: number; // Cm
  /** Normalised MR slices, channels last. */
  readonly mri: Float32Array; // [N, S, H, W, Cm]
  /** Normalised PET slices. */
  readonly pet: Float32Array; // [N, S, H, W]
  /** The slab's axial slice indices in the phantom volume. */
  readonly sliceIndices: readonly number[];
}

/** Axial indices of the slab: `slices` slices `stepMm` apart centred at world height `centreMm`. */
export function slabSliceIndices(originZ: number, voxel: number, nz: number, slices: number, stepMm: number, centreMm: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < slices; j++) {
    const z = centreMm + (j - (slices - 1) / 2) * stepMm;
    const k = Math.round((z - originZ) / voxel);
    if (k < 0 || k >= nz) throw new ValueError(`diagnosis slab: slice at z = ${z.toFixed(1)} mm (index ${k}) is outside the volume's 0..${nz - 1}; reduce slices or sliceStepMm, or move slabCentreMm`);
    out.push(k);
  }
  return out;
}

/** Copies slice k of a stack [n, H, W, 1] made by axialStack into `out` at channel c of [S, H, W, C]. */
function copySlice(stack: Float32Array, sliceInStack: number, hw: number, out: Float32Array, outBase: number, s: number, c: number, channels: number): void {
  const src = sliceInStack * hw;
  const dst = outBase + s * hw * channels;
  for (let p = 0; p < hw; p++) out[dst + p * channels + c] = stack[src + p]!;
}

/** Generates the phantom subjects and cuts their normalised slabs. */
export function buildSlabCohort(o: SlabCohortOptions): SlabCohort {
  if (!(Number.isInteger(o.subjects) && o.subjects >= 2)) throw new ValueError(`diagnosis cohort: subjects must be an integer >= 2, got ${o.subjects}`);
  if (o.mri.length === 0) throw new ValueError('diagnosis cohort: mri must name at least one MR modality');
  const n = o.subjects;
  const cm = o.mri.length;
  const ids: string[] = [];
  const labels = new Uint8Array(n);
  let mri: Float32Array | null = null;
  let pet: Float32Array | null = null;
  let geometry: { h: number; w: number; ks: number[] } | null = null;
  for (let i = 0; i < n; i++) {
    const subject = generatePhantomSubject(i, { seed: o.phantomSeed, voxel: o.voxel });
    const dims = subject.modalities.t1.dims;
    if (!geometry) {
      const ks = slabSliceIndices(subject.modalities.t1.affine[11]!, o.voxel, dims[2], o.slices, o.sliceStepMm, o.slabCentreMm);
      const probe = axialStack([subject.modalities.t1.data], dims, { slices: [ks[0]!, ks[0]!], multiple: o.multiple });
      geometry = { h: probe.shape[1], w: probe.shape[2], ks };
      mri = new Float32Array(n * o.slices * geometry.h * geometry.w * cm);
      pet = new Float32Array(n * o.slices * geometry.h * geometry.w);
    }
    const { h, w, ks } = geometry;
    const hw = h * w;
    const k0 = Math.min(...ks);
    const range: [number, number] = [k0, Math.max(...ks)];
    ids.push(subject.id);
    labels[i] = subject.meta.diseased ? 1 : 0;
    const mrMask = headMask(subject.modalities.t1, { kind: 'mr' });
    o.mri.forEach((m, c) => {
      const values = subject.modalities[m].data;
      const normed = normalizeIntensity(values, fitIntensityNorm('mr', values, mrMask));
      const stack = axialStack([normed], dims, { slices: range, multiple: o.multiple }).data; // [k1 − k0 + 1, H, W, 1]
      ks.forEach((k, s) => copySlice(stack, k - k0, hw, mri!, i * o.slices * hw * cm, s, c, cm));
    });
    const petVolume = subject.modalities.pet;
    const petNormed = normalizeIntensity(petVolume.data, fitIntensityNorm('pet', petVolume.data, headMask(petVolume, { kind: 'pet' })));
    const petStack = axialStack([petNormed], dims, { slices: range, multiple: o.multiple }).data;
    ks.forEach((k, s) => copySlice(petStack, k - k0, hw, pet!, i * o.slices * hw, s, 0, 1));
  }
  return { ids, labels, slices: o.slices, height: geometry!.h, width: geometry!.w, mriChannels: cm, mri: mri!, pet: pet!, sliceIndices: geometry!.ks };
}

/** Cohorts by their settings, so seeds and PET fractions reuse the generated volumes. */
export class CohortCache {
  private readonly cohorts = new Map<string, SlabCohort>();

  get(o: SlabCohortOptions): SlabCohort {
    const key = JSON.stringify([o.subjects, o.voxel, o.phantomSeed, o.mri, o.slices, o.sliceStepMm, o.slabCentreMm, o.multiple]);
    let c = this.cohorts.get(key);
    if (!c) {
      c = buildSlabCohort(o);
      this.cohorts.set(key, c);
    }
    return c;
  }
}
