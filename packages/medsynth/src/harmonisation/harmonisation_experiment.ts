/**
 * Harmonisation across sites (the synthesis article, §4.3): does a tissue segmenter trained at
 * one site keep working on another site's images once they are made to look like the first's?
 *
 * Two phantom cohorts of different subjects: site A (the default scanner) and site B (another
 * field strength, T1 timing, noise, bias field, resolution and gain; site_profiles.ts). A
 * segmenter F (CSF, GM, WM) is trained on site A's training T1 with its labels, then scored
 * (Dice, mean over the three tissues) on:
 *   same_site   site A's test T1: the ceiling
 *   raw         site B's test T1, only intensity-normalised as every image is (99.5th percentile)
 *   histogram   site B's test T1 after piecewise-linear standardisation onto site A's landmarks
 *               (Nyúl; intensity_standardisation.ts)
 *   synthesis   site B's test T1 through a CycleGAN B -> A trained on the two sites' training T1
 *               without pairs (no two images share a subject) and without labels
 *   synthesis_a_to_b  the other way round with the same CycleGAN: site A's labelled training T1
 *               translated to site B by its A -> B generator, a second segmenter trained on those
 *               (the labels stay exact; the generator only has to blur and add noise, not invent
 *               edges), applied to site B's test T1 as it is
 * The share of the site change's Dice loss that a method recovers is (method − raw) / (same_site − raw).
 * Everything is seeded: the cohorts, F, the CycleGAN and its batches.
 */
import { join } from 'node:path';
import { data, tf, train, ValueError, type tfl } from '@lacuna/core';
import { loadPairedSubject, phantomSubjectFiles } from '../data/paired_files.js';
import { stackSubjects, type PairedStacks, type PairedSubject } from '../data/paired_volumes.js';
import { gatherSlices, samplePatches } from '../data/patches.js';
import type { SliceStack } from '../data/slice_stack.js';
import { writePhantom } from '../phantom/write_phantom.js';
import type { SiteName } from '../phantom/site_profiles.js';
import { CycleGanTrainer } from '../synthesis/cycle_gan.js';
import { taskDiceScore, trainTaskSegmenter, type TaskDice } from '../workflow/task_models.js';
import { generatorSynthesizer, type SliceSynthesizer } from '../workflow/slice_synthesizer.js';
import { learnStandardScale, standardiseIntensities } from './intensity_standardisation.js';

export interface HarmonisationOptions {
  /** A work folder for the two phantom cohorts (created). */
  readonly dir: string;
  /** Subjects per site. Default 8. */
  readonly subjects?: number;
  /** Test subjects per site (the rest train). Default 2. */
  readonly test?: number;
  /** Phantom voxel size (mm). Default 3. */
  readonly voxel?: number;
  /** Default 1. */
  readonly seed?: number;
  /** The segmenter: steps (default 400), base width (16), depth (3). */
  readonly segmenter?: { readonly steps?: number; readonly base?: number; readonly depth?: number };
  /** The CycleGAN B -> A: steps (default 1500), generator width (16), residual blocks (6), batch (4), patch side (64; 0: whole slices). */
  readonly cyclegan?: { readonly steps?: number; readonly ngf?: number; readonly blocks?: number; readonly batch?: number; readonly patch?: number };
  readonly progress?: train.ProgressMode;
  readonly log?: (message: string) => void;
}

export interface HarmonisationResult {
  /** Mean Dice (CSF, GM, WM) of each way, with the per-class Dice. */
  readonly dice: Readonly<Record<HarmonisationMethod, TaskDice>>;
  /** (method − raw) / (same_site − raw) for histogram and synthesis. */
  readonly recovered: { readonly histogram: number; readonly synthesis: number; readonly synthesis_a_to_b: number };
  readonly seconds: { readonly phantoms: number; readonly segmenter: number; readonly cyclegan: number; readonly segmenter_a_to_b: number; readonly total: number };
}

export const HARMONISATION_METHODS = ['same_site', 'raw', 'histogram', 'synthesis', 'synthesis_a_to_b'] as const;
export type HarmonisationMethod = (typeof HARMONISATION_METHODS)[number];

/** Site B's cohort draws other subjects than site A's. */
const SITE_SEED_OFFSET: Readonly<Record<SiteName, number>> = { A: 0, B: 1000 };

/** A segmenter sees whole slices padded to a multiple of 8 (its depth 3); the ResNet generator needs 4. */
const MULTIPLE = 8;

async function loadSite(dir: string, site: SiteName, o: Required<Pick<HarmonisationOptions, 'subjects' | 'voxel' | 'seed'>>): Promise<PairedSubject[]> {
  const folder = join(dir, `site_${site}`);
  await writePhantom(folder, { subjects: o.subjects, seed: o.seed + SITE_SEED_OFFSET[site], voxel: o.voxel, site });
  const files = await phantomSubjectFiles(folder, ['t1'], 't1');
  // T1 is both "source" and "target": the segmenter trains on the target stack.
  return Promise.all(files.map((f) => loadPairedSubject({ ...f, id: `${site}-${f.id}` }, { sourceModalities: ['t1'], targetModality: 't1' })));
}

/** The identity "synthesis": the segmenter sees the (possibly standardised) source as it is. */
const asIs: SliceSynthesizer = { predict: (source) => ({ data: Float32Array.from(source.data), shape: [...source.shape.slice(0, 3), 1] as [number, number, number, number] }) };

/** Outside the head the image is MR's zero signal (−1), whatever a method made of it. */
function backgroundAsAir(s: SliceSynthesizer): SliceSynthesizer {
  return {
    predict(source, mask) {
      const out = s.predict(source, mask);
      if (mask) for (let i = 0; i < out.data.length; i++) if (!(mask.data[i]! > 0.5)) out.data[i] = -1;
      return out;
    },
  };
}

function trainCycleGanBToA(b: PairedStacks, a: PairedStacks, o: NonNullable<HarmonisationOptions['cyclegan']>, seed: number, progress: train.ProgressMode): CycleGanTrainer {
  const steps = o.steps ?? 1500, batch = o.batch ?? 4, patch = o.patch ?? 64;
  const trainer = new CycleGanTrainer({ generator: { arch: 'resnet', base: o.ngf ?? 16, nBlocks: o.blocks ?? 6, norm: 'instance' }, channels: { a: 1, b: 1 }, discriminator: { ndf: 32, nLayers: 3 }, seed });
  const rng = new data.Random(seed);
  const bar = new train.Progress({ total: steps, label: 'cyclegan B->A', mode: progress });
  const draw = (s: PairedStacks): { image: SliceStack; mask: SliceStack } => {
    if (patch > 0) {
      const p = samplePatches(s.source, s.source, s.mask, patch, batch, rng);
      return { image: p.source, mask: p.mask };
    }
    const idx = Array.from({ length: batch }, () => rng.int(0, s.source.shape[0]));
    return { image: gatherSlices(s.source, idx), mask: gatherSlices(s.mask, idx) };
  };
  for (let step = 0; step < steps; step++) {
    const x = draw(b), y = draw(a);
    const t = [x.image, y.image, x.mask, y.mask].map((s) => tf.tensor4d(s.data, [...s.shape])) as tf.Tensor4D[];
    try {
      const r = trainer.step(t[0]!, t[1]!, { a: t[2]!, b: t[3]! });
      bar.update(step + 1, { g: r.g, d: r.d });
    } finally {
      tf.dispose(t);
    }
  }
  bar.done();
  return trainer;
}

export async function runHarmonisation(options: HarmonisationOptions): Promise<HarmonisationResult> {
  const o = { subjects: options.subjects ?? 8, test: options.test ?? 2, voxel: options.voxel ?? 3, seed: options.seed ?? 1 };
  if (!(Number.isInteger(o.test) && o.test >= 1 && o.subjects - o.test >= 1)) throw new ValueError(`runHarmonisation: need at least one training and one test subject per site (subjects ${o.subjects}, test ${o.test})`);
  const log = options.log ?? (() => {});
  const progress = options.progress ?? 'none';
  const t0 = performance.now();
  const [siteA, siteB] = [await loadSite(options.dir, 'A', o), await loadSite(options.dir, 'B', o)];
  const split = (s: PairedSubject[]) => ({ train: s.slice(0, s.length - o.test), test: s.slice(s.length - o.test) });
  const A = split(siteA), B = split(siteB);
  const tPhantoms = (performance.now() - t0) / 1000;
  log(`phantoms: ${o.subjects} subjects per site (${o.subjects - o.test} train, ${o.test} test) in ${tPhantoms.toFixed(1)} s`);

  let t = performance.now();
  const seg = options.segmenter ?? {};
  const stacksA = stackSubjects(A.train, { multiple: MULTIPLE });
  const segmenter: tfl.LayersModel = trainTaskSegmenter(stacksA, { steps: seg.steps ?? 400, batchSize: 8, base: seg.base ?? 16, depth: seg.depth ?? 3, lr: 1e-3, seed: o.seed + 7 }, 'harmonisation');
  const tSeg = (performance.now() - t) / 1000;
  const info = { context: 0, multiple: MULTIPLE };
  const score = (synth: SliceSynthesizer, subjects: readonly PairedSubject[]) => taskDiceScore(backgroundAsAir(synth), subjects, info, segmenter);
  const sameSite = score(asIs, A.test);
  const raw = score(asIs, B.test);
  log(`segmenter (${tSeg.toFixed(0)} s): Dice same site ${sameSite.mean.toFixed(4)}, site B raw ${raw.mean.toFixed(4)}`);

  const scale = learnStandardScale(A.train.map((s) => ({ values: s.source[0]!, mask: s.mask })));
  const standardised = B.test.map((s) => ({ ...s, source: [standardiseIntensities({ values: s.source[0]!, mask: s.mask }, scale)] }));
  const histogram = score(asIs, standardised);
  log(`histogram standardisation: Dice ${histogram.mean.toFixed(4)}`);

  t = performance.now();
  const trainer = trainCycleGanBToA(stackSubjects(B.train, { multiple: MULTIPLE }), stacksA, options.cyclegan ?? {}, o.seed + 11, progress);
  const tGan = (performance.now() - t) / 1000;
  const synthesis = score(generatorSynthesizer(trainer.generator, 8), B.test);
  log(`CycleGAN B -> A (${tGan.toFixed(0)} s): Dice ${synthesis.mean.toFixed(4)}`);

  t = performance.now();
  const translated = backgroundAsAir(generatorSynthesizer(trainer.inverseGenerator, 8)).predict(stacksA.target, stacksA.mask);
  const segmenterAtoB = trainTaskSegmenter({ ...stacksA, target: translated }, { steps: seg.steps ?? 400, batchSize: 8, base: seg.base ?? 16, depth: seg.depth ?? 3, lr: 1e-3, seed: o.seed + 7 }, 'harmonisation (A -> B)');
  const tSegAtoB = (performance.now() - t) / 1000;
  const synthesisAtoB = taskDiceScore(backgroundAsAir(asIs), B.test, info, segmenterAtoB);
  log(`segmenter on site A translated to B (${tSegAtoB.toFixed(0)} s): Dice on site B raw ${synthesisAtoB.mean.toFixed(4)}`);
  trainer.dispose();
  segmenter.dispose();
  segmenterAtoB.dispose();
  const lost = sameSite.mean - raw.mean;
  const share = (d: TaskDice) => (lost !== 0 ? (d.mean - raw.mean) / lost : 0);
  return {
    dice: { same_site: sameSite, raw, histogram, synthesis, synthesis_a_to_b: synthesisAtoB },
    recovered: { histogram: share(histogram), synthesis: share(synthesis), synthesis_a_to_b: share(synthesisAtoB) },
    seconds: { phantoms: tPhantoms, segmenter: tSeg, cyclegan: tGan, segmenter_a_to_b: tSegAtoB, total: (performance.now() - t0) / 1000 },
  };
}
