/**
 * Registration through synthesis (the synthesis article, §3.3): aligning PET to T1 directly
 * needs a cross-modality metric (mutual information); synthesising a T1 from the PET first turns
 * the task into a same-modality registration (normalised correlation), which the article argues
 * is easier and more accurate.
 *
 * On a phantom cohort (PET and T1 co-registered by construction): a generator G (PET -> T1,
 * U-Net, L1) is trained on the training subjects. Each test subject's PET is moved by random
 * rigid misalignments T (seeded; up to `maxDegrees` about each axis and `maxMm` along each),
 * then registered back to its T1 with elastix (registration/elastix.ts) two ways:
 *   direct_mi        the moved PET to the T1, Mattes mutual information
 *   via_synthesis    G(moved PET), a synthetic T1 in the PET's position, to the T1 with
 *                    normalised correlation; the transform found applies to the PET
 * The error of a transform found, T̂, is the mean distance in mm between T̂(p) and T⁻¹(p) (the
 * true inverse) over landmarks p drawn in the brain (grey and white matter) of the fixed T1.
 */
import { join } from 'node:path';
import { data, transforms, train, ValueError } from '@lacuna/core';
import { readVolume } from '../data/volume_files.js';
import { writePhantom } from '../phantom/write_phantom.js';
import { TISSUE_LABEL } from '../phantom/tissues.js';
import { synthesizeVolume } from '../workflow/predict_volume.js';
import { parseTrainConfig } from '../workflow/train_config.js';
import { trainSynthesis } from '../workflow/train_synthesis.js';
import { loadTrainingSubjects } from '../workflow/training_data.js';
import { registerRigid } from './elastix_node.js';
import { maskLandmarks, meanPointDistance, rigidMatrix, transformPoint, transformVolume } from './rigid.js';

export interface RegistrationExperimentOptions {
  /** A work folder (the phantom cohort and G's run). */
  readonly dir: string;
  /** Phantom subjects. Default 6. */
  readonly subjects?: number;
  /** Test subjects (the rest train G). Default 2. */
  readonly test?: number;
  /** Misalignments per test subject. Default 3. */
  readonly misalignments?: number;
  /** Largest rotation about each axis (degrees). Default 8. */
  readonly maxDegrees?: number;
  /** Largest shift along each axis (mm). Default 8. */
  readonly maxMm?: number;
  /** Phantom voxel (mm). Default 3. */
  readonly voxel?: number;
  /** G's training steps. Default 600. */
  readonly steps?: number;
  /** G's training patch side. Default 48. */
  readonly patch?: number;
  /** Landmarks per subject. Default 500. */
  readonly landmarks?: number;
  /** Default 1. */
  readonly seed?: number;
  readonly progress?: train.ProgressMode;
  readonly log?: (message: string) => void;
}

export interface RegistrationCase {
  readonly subject: string;
  /** Mean landmark displacement of the misalignment itself (mm). */
  readonly initial_mm: number;
  readonly direct_mi_mm: number;
  readonly via_synthesis_mm: number;
}

export interface RegistrationExperimentResult {
  /** Means over the cases (mm). */
  readonly initial_mm: number;
  readonly direct_mi_mm: number;
  readonly via_synthesis_mm: number;
  readonly cases: readonly RegistrationCase[];
  /** G's test scores (PET -> T1) and the seconds spent. */
  readonly synthesis: { readonly psnr: number; readonly ssim: number; readonly mae: number };
  readonly seconds: { readonly phantom: number; readonly generator: number; readonly registration: number; readonly total: number };
}

const IDENTITY = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

export async function runRegistrationExperiment(options: RegistrationExperimentOptions): Promise<RegistrationExperimentResult> {
  const o = { subjects: options.subjects ?? 6, test: options.test ?? 2, misalignments: options.misalignments ?? 3, maxDegrees: options.maxDegrees ?? 8, maxMm: options.maxMm ?? 8, voxel: options.voxel ?? 3, steps: options.steps ?? 600, patch: options.patch ?? 48, landmarks: options.landmarks ?? 500, seed: options.seed ?? 1 };
  if (!(Number.isInteger(o.test) && o.test >= 1 && o.subjects - o.test >= 1)) throw new ValueError(`runRegistrationExperiment: need at least one training and one test subject (subjects ${o.subjects}, test ${o.test})`);
  const log = options.log ?? (() => {});
  const t0 = performance.now();
  const phantomDir = join(options.dir, 'phantom');
  await writePhantom(phantomDir, { subjects: o.subjects, seed: o.seed, voxel: o.voxel });
  const tPhantom = (performance.now() - t0) / 1000;

  let t = performance.now();
  const config = parseTrainConfig({
    data: { phantom: phantomDir, source: ['pet'], target: 't1', patchSize: o.patch, split: { val: 0, test: o.test, seed: o.seed } },
    model: { arch: 'unet', base: 16, depth: 3, norm: 'batch' },
    loss: { l1: 1 },
    train: { steps: o.steps, batchSize: 8, lr: 1e-3, beta1: 0.5, seed: o.seed, checkpointEvery: o.steps, sampleEvery: o.steps },
    out: join(options.dir, 'g_pet_t1'),
  });
  const g = await trainSynthesis(config, { progress: options.progress ?? 'none' });
  const tGen = (performance.now() - t) / 1000;
  log(`G (PET -> T1): test PSNR ${g.test!.psnr.toFixed(2)} dB, SSIM ${g.test!.ssim.toFixed(3)} (${tGen.toFixed(0)} s)`);
  const testIds = (await loadTrainingSubjects(config)).test.map((s) => s.id);

  t = performance.now();
  const rng = new data.Random(o.seed * 7919 + 5);
  const cases: RegistrationCase[] = [];
  const rad = (o.maxDegrees * Math.PI) / 180;
  for (const id of testIds) {
    const [t1, pet, labels] = await Promise.all(['t1', 'pet', 'labels'].map((m) => readVolume(join(phantomDir, id, `${m}.nii.gz`))));
    const brain = labels!.data.map((l) => (l === TISSUE_LABEL.gm || l === TISSUE_LABEL.wm ? 1 : 0));
    const points = maskLandmarks(t1!, brain, o.landmarks, rng);
    const centre = transformPoint(t1!.affine, t1!.dims.map((n) => (n - 1) / 2));
    for (let k = 0; k < o.misalignments; k++) {
      const truth = rigidMatrix({ angles: [0, 1, 2].map(() => rng.uniform(-rad, rad)) as [number, number, number], translation: [0, 1, 2].map(() => rng.uniform(-o.maxMm, o.maxMm)) as [number, number, number], centre });
      const inverse = transforms.invertAffine(truth);
      const movedPet = transformVolume(pet!, truth);
      const direct = await registerRigid(t1!, movedPet, { metric: 'mutual-information', seed: o.seed });
      // G sees the moved PET as a file it reads; the synthetic T1 lies where the PET lies.
      const synthetic = await synthesizeVolume(g.synthesizer, g.info, ['moved-pet'], async () => movedPet);
      const via = await registerRigid(t1!, synthetic.volume, { metric: 'correlation', seed: o.seed });
      const c = { subject: id, initial_mm: meanPointDistance(IDENTITY, inverse, points), direct_mi_mm: meanPointDistance(direct.transform, inverse, points), via_synthesis_mm: meanPointDistance(via.transform, inverse, points) };
      cases.push(c);
      log(`${id} misalignment ${k + 1}: ${c.initial_mm.toFixed(2)} mm; direct MI ${c.direct_mi_mm.toFixed(3)} mm, via synthesis ${c.via_synthesis_mm.toFixed(3)} mm`);
    }
  }
  const tReg = (performance.now() - t) / 1000;
  const mean = (f: (c: RegistrationCase) => number) => cases.reduce((s, c) => s + f(c), 0) / cases.length;
  return {
    initial_mm: mean((c) => c.initial_mm),
    direct_mi_mm: mean((c) => c.direct_mi_mm),
    via_synthesis_mm: mean((c) => c.via_synthesis_mm),
    cases,
    synthesis: { psnr: g.test!.psnr, ssim: g.test!.ssim, mae: g.test!.mae },
    seconds: { phantom: tPhantom, generator: tGen, registration: tReg, total: (performance.now() - t0) / 1000 },
  };
}
