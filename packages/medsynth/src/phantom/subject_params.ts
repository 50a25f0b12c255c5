/**
 * A subject's anatomy and disease parameters, drawn from its seeded 'anatomy' stream: head
 * size and shape, scalp/fat/skull thickness, the cortical ribbon (thickness, sulcal depth and
 * width), ventricle size, global atrophy, and — for diseased subjects — regional
 * temporo-parietal atrophy plus FDG hypometabolism in the same region.
 *
 * Disease comes in balanced pairs: subjects 2p and 2p+1 get opposite flags, which one is
 * diseased decided by a coin from pair p's own stream, so any even cohort is half diseased and
 * a subject's flag does not depend on the cohort size.
 */
import { data } from '@lacuna/core';
import { randomPlaneWaves, type PlaneWave } from './plane_waves.js';
import { streamSeed } from './seeds.js';

type Vec3 = [number, number, number];

export interface SubjectParams {
  readonly index: number;
  /** The cohort seed the subject was drawn from. */
  readonly seed: number;
  readonly diseased: boolean;
  /** Overall head size factor (1 = nominal). */
  readonly headScale: number;
  /** Semi-axes (mm) of the inner skull surface, before deformation. */
  readonly skullInnerSemiAxes: Vec3;
  /** World position (mm) of the head's centre. */
  readonly headCentre: Vec3;
  readonly scalpThicknessMm: number;
  readonly fatThicknessMm: number;
  readonly skullThicknessMm: number;
  /** Subarachnoid CSF between inner skull and brain surface, before atrophy (mm). */
  readonly csfGapMm: number;
  /** Cortical grey-matter thickness before atrophy (mm). */
  readonly corticalThicknessMm: number;
  /** How deep sulci reach below the brain surface (mm). */
  readonly sulcalDepthMm: number;
  /** Width of the CSF sheet in a sulcus before atrophy (mm). */
  readonly sulcalWidthMm: number;
  /** Mean sulcal spacing drives the folding wavelengths (mm). */
  readonly foldWavelengthMm: number;
  /** Ventricle size factor, atrophy included (1 = nominal). */
  readonly ventricleScale: number;
  /** Global atrophy in [0, 1]: widens the subarachnoid space and sulci, thins the cortex, enlarges the ventricles. */
  readonly atrophy: number;
  /** Extra atrophy inside the disease region (0 for healthy subjects). */
  readonly regionalAtrophy: number;
  /** Fractional FDG uptake loss of grey matter at the disease region's centre (0 for healthy subjects). */
  readonly hypometabolism: number;
  /** Left and right temporo-parietal centres (mm) of the disease region. */
  readonly regionCentres: readonly [Vec3, Vec3];
  readonly regionWeights: readonly [number, number];
  readonly regionSigmaMm: number;
  /** RMS amplitude of the smooth random deformation (mm). */
  readonly deformationMm: number;
  readonly deformationWaves: readonly PlaneWave[];
  readonly foldWaves: readonly PlaneWave[];
}

/** Nominal inner-skull semi-axes (mm): a 128 × 158 × 120 mm intracranial ellipsoid. */
const NOMINAL_SKULL_INNER: Vec3 = [64, 79, 60];

/** Whether subject `index` of a cohort seeded `seed` is diseased (balanced pairs, see above). */
export function isDiseased(seed: number, index: number): boolean {
  const coin = new data.Random(streamSeed(seed, Math.floor(index / 2), 'disease')).uniform() < 0.5;
  return index % 2 === 0 ? coin : !coin;
}

/** Draws subject `index`'s parameters. */
export function drawSubjectParams(seed: number, index: number): SubjectParams {
  const rng = new data.Random(streamSeed(seed, index, 'anatomy'));
  const diseased = isDiseased(seed, index);
  const headScale = rng.uniform(0.92, 1.05);
  const skullInnerSemiAxes = NOMINAL_SKULL_INNER.map((a) => a * headScale * rng.uniform(0.97, 1.03)) as Vec3;
  const headCentre: Vec3 = [rng.uniform(-1.5, 1.5), rng.uniform(-2, 2), rng.uniform(-2, 2)];
  const atrophy = rng.uniform(0, 0.5);
  // Drawn for everyone so that healthy and diseased subjects consume the stream alike.
  const regionalAtrophy = rng.uniform(0.6, 1.0);
  const hypometabolism = rng.uniform(0.2, 0.3);
  const regionWeights: [number, number] = [rng.uniform(0.6, 1), rng.uniform(0.6, 1)];
  const regionCentre = (side: number): Vec3 => [side * 50 * headScale + headCentre[0], -38 * headScale + headCentre[1], 12 * headScale + headCentre[2]];
  const scalpThicknessMm = rng.uniform(3, 5);
  const fatThicknessMm = rng.uniform(1.5, 3);
  const skullThicknessMm = rng.uniform(5, 8);
  const csfGapMm = rng.uniform(1.5, 2.5);
  const corticalThicknessMm = rng.uniform(2.6, 3.4);
  const sulcalDepthMm = rng.uniform(16, 22);
  const sulcalWidthMm = rng.uniform(0.4, 0.8);
  const foldWavelengthMm = rng.uniform(15, 20);
  const ventricleScale = rng.uniform(0.8, 1.25) * (1 + 0.8 * atrophy);
  const deformationMm = 2;
  // Per-component RMS of a wave sum with N(0, A²/M) amplitudes is A/√2.
  const deformationWaves = randomPlaneWaves(rng, 6, 3, 90, 220, deformationMm * Math.SQRT2);
  const foldWaves = randomPlaneWaves(rng, 16, 1, 0.8 * foldWavelengthMm, 1.2 * foldWavelengthMm, 1);
  return {
    index,
    seed,
    diseased,
    headScale,
    skullInnerSemiAxes,
    headCentre,
    scalpThicknessMm,
    fatThicknessMm,
    skullThicknessMm,
    csfGapMm,
    corticalThicknessMm,
    sulcalDepthMm,
    sulcalWidthMm,
    foldWavelengthMm,
    ventricleScale,
    atrophy,
    regionalAtrophy: diseased ? regionalAtrophy : 0,
    hypometabolism: diseased ? hypometabolism : 0,
    regionCentres: [regionCentre(-1), regionCentre(1)],
    regionWeights,
    regionSigmaMm: 22 * headScale,
    deformationMm,
    deformationWaves,
    foldWaves,
  };
}
