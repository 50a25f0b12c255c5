/**
 * `npm run bench -- medsynth`: synthesis quality and training time of the random forest, the
 * coupled dictionaries (512 atoms, sparsity 5, 5x5 patches, 10 K-SVD rounds on 20,000 patches),
 * U-Net (L1), U-Net (L1 + SSIM), pix2pix (U-Net G + 70×70 PatchGAN, L1 × 100 + vanilla
 * GAN) and CycleGAN (unpaired: two ResNet generators, ngf 16, 6 blocks, two PatchGANs, LSGAN,
 * cycle 10, identity 0.5, pool 50; trained on source images from one half of the training data
 * and target images from the other; 1,000 steps of batch 4 on the real pair, 600 on the phantom) on three tasks:
 *   real_t1_pd     the real T1/PD pair in ../shared/data/mri/chris: train on axial slices
 *                  0–35, test on 36–53 (skipped, with a note, when the data are absent)
 *   phantom_t1_t2  Lacuna's brain phantom, T1 → T2, split by subject
 *   phantom_t1_ct  the phantom, T1 → CT
 *   volume         (--only volume) whole-volume prediction speed: a 256x256x200 volume through the
 *                  2-D U-Net (base 32, depth 4, instance norm, untrained) slice by slice, batch 8, with
 *                  the fastest engine, against the same network in PyTorch (bench/torch_unet.py,
 *                  Debian's python3-torch) in the same run, both on every core
 * Scores are on held-out slices/subjects inside the head mask, on the normalised target
 * rescaled to [0, 1] (see workflow/train_synthesis.ts). The reference of each task is the
 * random forest, measured in the same run: the table gives each model's PSNR gain over it.
 *
 * The networks' recipe differs per task. On the real pair it was chosen on validation slices
 * (issue 18): first train 0-29 / score 30-35, which chose no normalisation layers in the U-Net
 * (batch norm under-fitted it) and 4,800 steps; then, because slices next to the training ones
 * did not predict the test slices at the top of the head, train 0-17 / score 18-35, which chose
 * depth 3, left-right mirror averaging at inference and the mean of an L1 and an MSE U-Net
 * (unet_mse, unet_ensemble: independently trained networks err differently; +0.4 dB there).
 * pix2pix runs 2,400 steps with linear decay, its PatchGAN with instance norm (what batch norm is
 * at pix2pix's batch of 1; 1.3x faster here than batch norm on the wasm engine). The phantom tasks
 * keep batch norm, depth 4 and 600 steps.
 *
 * Options: --steps N (network steps, pix2pix's too; default 4800 on the real pair (pix2pix 2400), 600 on the phantom), --norm
 * batch|instance|none (the U-Net's normalisation; default none on the real pair, batch on the
 * phantom), --patch N (training patch, default 64), --batch N (8), --base N (U-Net width, 16),
 * --ndf N (PatchGAN width, 32), --subjects N (phantom subjects, 12), --samples DIR (write the real
 * pair's test slices 40 and 46 as one PNG per model, for the README's sample grid),
 * --trees N (30), --window N (networks predict N x N windows with Gaussian blending; default whole slices),
 * --select val (the real pair trains on slices 0-29 and scores 30-35, for choosing a recipe; the
 * test slices 36-53 are not read),
 * --only real|t2|ct (repeatable), --models rf|dictionary|unet_l1|unet_l1_ssim|unet_mse|unet_ensemble|pix2pix|cyclegan
 * (repeatable; default all; the forest always runs, as the reference), --threads N, --json.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { data, initBackend, nn } from '@lacuna/core';
import { parseTrainConfig, trainSynthesis, workflow, writePhantom, type TrainConfig } from '@lacuna/medsynth';
import { benchArgs } from './args.js';

const { loadTrainingSubjects } = workflow;

interface Recipe {
  steps: number;
  norm: 'batch' | 'instance' | 'none';
  discriminatorNorm: 'batch' | 'instance';
  /** U-Net depth (down-sampling levels). */
  depth: number;
  /** Left-right mirror test-time augmentation for the networks (inference.mirror). */
  mirror: boolean;
  /** pix2pix's steps (0: `steps`) and learning-rate schedule. */
  pix2pixSteps: number;
  pix2pixSchedule: 'constant' | 'linear';
  /** Also train a U-Net on MSE and score the mean of it and the L1 U-Net (unet_mse, unet_ensemble). */
  ensemble: boolean;
  /** CycleGAN's steps (batch CYCLEGAN_BATCH): four generator passes and two PatchGANs a step make it the dearest model. */
  cycleganSteps: number;
}
/** The networks' defaults per task (see the header); --steps and --norm override both. */
const REAL_RECIPE: Recipe = { steps: 4800, norm: 'none', discriminatorNorm: 'instance', depth: 3, mirror: true, pix2pixSteps: 2400, pix2pixSchedule: 'linear', ensemble: true, cycleganSteps: 1000 };
const PHANTOM_RECIPE: Recipe = { steps: 600, norm: 'batch', discriminatorNorm: 'batch', depth: 4, mirror: false, pix2pixSteps: 0, pix2pixSchedule: 'constant', ensemble: false, cycleganSteps: 600 };

interface Args { steps: number; norm: string; samples: string; patch: number; batch: number; base: number; ndf: number; subjects: number; trees: number; window: number; select: boolean; only: string[]; models: string[]; threads?: number; json: boolean }

function parseArgs(argv: string[]): Args {
  const o = benchArgs('medsynth', argv, {
    steps: { kind: 'count', default: 0 }, norm: { kind: 'string', default: '', choices: ['', 'batch', 'instance', 'none'] }, samples: { kind: 'string', default: '' }, patch: { kind: 'count', default: 64 }, batch: { kind: 'count', default: 8 }, base: { kind: 'count', default: 16 },
    ndf: { kind: 'count', default: 32 }, subjects: { kind: 'count', default: 12 }, trees: { kind: 'count', default: 30 }, threads: { kind: 'count', default: 0 }, window: { kind: 'count', default: 0 },
    select: { kind: 'string', default: 'test', choices: ['test', 'val'] },
    only: { kind: 'repeat' }, models: { kind: 'repeat', default: [...MODELS], choices: [...MODELS] }, json: { kind: 'flag' },
  });
  const { threads, select, ...rest } = o;
  return { ...rest, select: select === 'val', ...(threads ? { threads } : {}) };
}

const MODELS = ['rf', 'dictionary', 'unet_l1', 'unet_l1_ssim', 'unet_mse', 'unet_ensemble', 'pix2pix', 'cyclegan'] as const;
type ModelKey = (typeof MODELS)[number];
interface Score { mae: number; psnr: number; ssim: number; train_s: number }

function recipeFor(defaults: Recipe, a: Args): Recipe {
  return { ...defaults, steps: a.steps || defaults.steps, norm: (a.norm || defaults.norm) as Recipe['norm'], pix2pixSteps: a.steps || defaults.pix2pixSteps };
}

function modelConfig(key: ModelKey, a: Args, recipe: Recipe): Pick<TrainConfig, 'model' | 'loss'> & { lr: number } {
  const unet = { arch: 'unet' as const, base: a.base, depth: recipe.depth, norm: recipe.norm };
  if (key === 'rf') return { model: { arch: 'forest', trees: a.trees, maxDepth: 16, minLeaf: 5, samples: 100_000 }, loss: {} as TrainConfig['loss'], lr: 0 };
  if (key === 'dictionary') return { model: { arch: 'dictionary', atoms: 512, sparsity: 5, patch: 5, iterations: 10, samples: 20_000, stride: 2 }, loss: {} as TrainConfig['loss'], lr: 0 };
  if (key === 'unet_l1') return { model: unet, loss: { l1: 1 } as TrainConfig['loss'], lr: 1e-3 };
  if (key === 'unet_l1_ssim') return { model: unet, loss: { l1: 1, ssim: 1 } as TrainConfig['loss'], lr: 1e-3 };
  if (key === 'unet_mse') return { model: unet, loss: { l1: 0, mse: 1 } as TrainConfig['loss'], lr: 1e-3 };
  if (key === 'cyclegan') return { model: { arch: 'cyclegan', ngf: CYCLEGAN_NGF, blocks: 6, norm: 'instance', cycle: 10, identity: 0.5, pool: 50 }, loss: {} as TrainConfig['loss'], lr: 2e-4 };
  return { model: unet, loss: { l1: 100, adversarial: { kind: 'vanilla', weight: 1 } } as TrainConfig['loss'], lr: 5e-4 };
}

/** CycleGAN's generators: ResNet, 6 blocks (CycleGAN's choice below 256 px), 16 filters at the first level, batch 4, to fit the CPU budget. */
const CYCLEGAN_NGF = 16;
const CYCLEGAN_BATCH = 4;

/** Called with each trained model (the real pair's sample grid). */
type OnTrained = (key: ModelKey, result: Awaited<ReturnType<typeof trainSynthesis>>) => Promise<void>;

async function runTask(name: string, dataSection: object, a: Args, recipe: Recipe, out: string, log: (m: string) => void, onTrained?: OnTrained): Promise<Partial<Record<ModelKey, Score>>> {
  const base = (key: ModelKey) => {
    const m = modelConfig(key, a, recipe);
    const networks = key !== 'rf' && key !== 'dictionary';
    const gan = key === 'pix2pix' || key === 'cyclegan';
    const cyclegan = key === 'cyclegan';
    const steps = cyclegan ? (a.steps || recipe.cycleganSteps) : gan && recipe.pix2pixSteps ? recipe.pix2pixSteps : recipe.steps;
    const inference = { ...(a.window ? { window: a.window } : {}), ...(recipe.mirror ? { mirror: true } : {}) };
    // CycleGAN: unpaired halves of the training data (alternate subjects, or slices of the one real subject), instance-norm PatchGANs, linear decay.
    return parseTrainConfig({ data: { ...dataSection, patchSize: a.patch, ...(cyclegan ? { unpaired: true } : {}) }, model: m.model, ...(cyclegan ? {} : { loss: m.loss }), ...(networks ? { inference } : {}), train: { steps, batchSize: cyclegan ? CYCLEGAN_BATCH : a.batch, lr: m.lr || 1e-3, beta1: 0.5, seed: 1, checkpointEvery: steps, sampleEvery: steps, ...(gan ? { schedule: cyclegan ? 'linear' : recipe.pix2pixSchedule } : {}) }, discriminator: { ndf: a.ndf, norm: cyclegan ? 'instance' : recipe.discriminatorNorm }, out: join(out, name, key) });
  };
  const subjects = await loadTrainingSubjects(base('rf'));
  const scores: Partial<Record<ModelKey, Score>> = {};
  const trained: Partial<Record<ModelKey, Awaited<ReturnType<typeof trainSynthesis>>>> = {};
  const report = (key: ModelKey, s: Score) => log(`${name}: ${key}: MAE ${s.mae.toFixed(4)} PSNR ${s.psnr.toFixed(2)} SSIM ${s.ssim.toFixed(4)} (${s.train_s.toFixed(1)} s)`);
  for (const key of MODELS) {
    if (!a.models.includes(key) && key !== 'rf') continue; // the forest is every table's reference
    if ((key === 'unet_mse' || key === 'unet_ensemble') && !recipe.ensemble) continue;
    if (key === 'unet_ensemble') {
      // The mean of the L1 and MSE U-Nets: scored like any model, its training time the sum of theirs.
      const members = [trained.unet_l1, trained.unet_mse];
      if (!members[0] || !members[1]) continue;
      const synthesizer = workflow.averageSynthesizer(members.map((r) => r!.synthesizer));
      const s = workflow.scoreSubjects(synthesizer, subjects.test, members[0].info).mean!;
      scores[key] = { mae: s.mae, psnr: s.psnr, ssim: s.ssim, train_s: members[0].seconds + members[1].seconds };
      await onTrained?.(key, { ...members[0], synthesizer });
      report(key, scores[key]!);
      continue;
    }
    log(`${name}: ${key} ...`);
    const r = await trainSynthesis(base(key), { subjects, progress: a.json ? 'none' : 'auto' });
    trained[key] = r;
    scores[key] = { mae: r.test!.mae, psnr: r.test!.psnr, ssim: r.test!.ssim, train_s: r.seconds };
    await onTrained?.(key, r);
    report(key, scores[key]!);
  }
  return scores;
}

/** Axial slices of the real pair's test range (36-53) shown in the README's sample grid. */
const SAMPLE_SLICES = [40, 46];

/**
 * One PNG per column of the README's grid (T1, each model, PD): the sample slices stacked,
 * anterior up. Predictions and PD share one grey window (0 to PD's 99.5th percentile in the head
 * mask), so brightness compares; T1 has its own.
 */
async function realSampleWriter(dir: string, t1Path: string, pdPath: string): Promise<OnTrained> {
  await mkdir(dir, { recursive: true });
  const [t1, pd] = await Promise.all([data.readNifti(t1Path), data.readNifti(pdPath)]);
  const [nx, ny] = pd.dims;
  const window = (v: data.Volume, mask?: Uint8Array) => {
    const inside = v.data.filter((x, i) => (mask ? mask[i]! > 0 : x > 0));
    inside.sort();
    return inside[Math.floor(0.995 * (inside.length - 1))]!;
  };
  const write = async (name: string, v: data.Volume, top: number) => {
    const img = new Float32Array(SAMPLE_SLICES.length * ny * nx);
    for (const [r, k] of SAMPLE_SLICES.entries()) {
      for (let y = 0; y < ny; y++) {
        for (let x = 0; x < nx; x++) img[(r * ny + (ny - 1 - y)) * nx + x] = Math.min(1, Math.max(0, v.data[(k * ny + y) * nx + x]! / top));
      }
    }
    await data.writePng(join(dir, `${name}.png`), { data: img, shape: [SAMPLE_SLICES.length * ny, nx, 1] });
  };
  await write('t1', t1, window(t1));
  let pdTop = window(pd);
  await write('pd', pd, pdTop);
  return async (key, r) => {
    const { volume, mask } = await workflow.predictVolume(r.synthesizer, r.info, [t1Path]);
    if (key === 'rf') pdTop = window(pd, mask);
    await write(key, volume, pdTop);
    if (key === 'rf') await write('pd', pd, pdTop);
  };
}

/** Whole-volume prediction time, Lacuna against PyTorch on the same U-Net, same slices, same threads. */
async function volumeRow(info: Awaited<ReturnType<typeof initBackend>>, log: (m: string) => void): Promise<Record<string, number | string | number[]>> {
  const [nx, ny, nz] = [256, 256, 200];
  const base = 32;
  const net = nn.unet2d({ inChannels: 1, outChannels: 1, baseChannels: base, depth: 4, norm: 'instance', inputSize: [ny, nx] });
  const rng = new data.Random(3);
  const source = Float32Array.from({ length: nx * ny * nz }, () => rng.uniform(-1, 1));
  const synth = workflow.generatorSynthesizer(net, 8);
  // Warm-up on two slices (kernel compilation, first allocations), then the whole volume.
  synth.predict({ data: source.subarray(0, 2 * nx * ny), shape: [2, ny, nx, 1] });
  const t0 = performance.now();
  workflow.predictPlanes(synth, { context: 0, multiple: 16 }, [source], new Float32Array(nx * ny * nz).fill(1), [nx, ny, nz], { batch: 8 });
  const seconds = (performance.now() - t0) / 1000;
  log(`volume: Lacuna ${seconds.toFixed(1)} s (${info.backend}, ${info.engine}, ${info.threads} threads)`);
  const python = '/usr/bin/python3';
  const script = fileURLToPath(new URL('./torch_unet.py', import.meta.url));
  const r = spawnSync(python, [script, '--threads', String(info.threads), '--size', String(nx), '--batch', '8', '--infer-slices', String(nz)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench medsynth --only volume: PyTorch is needed for the reference (apt-get install python3-torch): ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
  const t = JSON.parse(r.stdout.trim().split('\n').pop()!) as { torch_seconds: number; params: number };
  if (t.params !== net.countParams()) throw new Error(`bench medsynth --only volume: the networks differ (${net.countParams()} vs PyTorch's ${t.params} parameters)`);
  log(`volume: PyTorch ${t.torch_seconds.toFixed(1)} s`);
  net.dispose();
  return { seconds, torch_seconds: t.torch_seconds, ratio: seconds / t.torch_seconds, shape: [nx, ny, nz], base, backend: `${info.backend}/${info.engine}`, threads: info.threads, params: t.params };
}

export async function main(argv: string[]): Promise<void> {
  const a = parseArgs(argv);
  const info = await initBackend(a.threads ? { threads: a.threads } : {});
  const log = (m: string) => (a.json ? process.stderr.write(`${m}\n`) : console.log(m));
  const want = (k: string) => a.only.length === 0 || a.only.includes(k);
  const work = await mkdtemp(join(tmpdir(), 'lacuna-bench-medsynth-'));
  const results: Record<string, Partial<Record<ModelKey, Score>> | { skipped: string }> = {};
  const chris = fileURLToPath(new URL('../../shared/data/mri/chris/', import.meta.url));
  let volume: Record<string, number | string | number[]> | undefined;
  try {
    // The speed row runs only when asked for by name.
    if (a.only.includes('volume')) volume = await volumeRow(info, log);
    if (want('real')) {
      const t1 = join(chris, 'chris_t1_reg2PD.nii.gz');
      const pd = join(chris, 'chris_PD.nii.gz');
      if (!existsSync(t1) || !existsSync(pd)) results.real_t1_pd = { skipped: `${chris} not found` };
      else {
        const subject = (id: string, slices: [number, number], role: string) => ({ id, source: [t1], target: pd, slices, role });
        // --select val: choose a recipe on slices 30-35 with 0-29 for training; the test slices are not read.
        const split = a.select ? [subject('chris-k0-29', [0, 29], 'train'), subject('chris-k30-35', [30, 35], 'test')] : [subject('chris-k0-35', [0, 35], 'train'), subject('chris-k36-53', [36, 53], 'test')];
        const samples = a.samples && !a.select ? await realSampleWriter(a.samples, t1, pd) : undefined;
        results.real_t1_pd = await runTask('real_t1_pd', { subjects: split, source: ['t1'], target: 'pd' }, a, recipeFor(REAL_RECIPE, a), work, log, samples);
      }
    }
    if (want('t2') || want('ct')) {
      const phantom = join(work, 'phantom');
      const t0 = performance.now();
      await writePhantom(phantom, { subjects: a.subjects, seed: 1, voxel: 2 });
      log(`phantom: ${a.subjects} subjects in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const split = { val: 0, test: Math.max(2, Math.round(a.subjects / 4)), seed: 0 };
      if (want('t2')) results.phantom_t1_t2 = await runTask('phantom_t1_t2', { phantom, source: ['t1'], target: 't2', split }, a, recipeFor(PHANTOM_RECIPE, a), work, log);
      if (want('ct')) results.phantom_t1_ct = await runTask('phantom_t1_ct', { phantom, source: ['t1'], target: 'ct', split }, a, recipeFor(PHANTOM_RECIPE, a), work, log);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const setup = { scored_on: a.select ? 'validation (real pair: train 0-29, score 30-35)' : 'test', backend: info.backend, threads: info.threads, real_steps: recipeFor(REAL_RECIPE, a).steps, real_pix2pix_steps: recipeFor(REAL_RECIPE, a).pix2pixSteps, real_norm: recipeFor(REAL_RECIPE, a).norm, real_depth: REAL_RECIPE.depth, real_mirror: REAL_RECIPE.mirror, phantom_steps: recipeFor(PHANTOM_RECIPE, a).steps, phantom_norm: recipeFor(PHANTOM_RECIPE, a).norm, patch: a.patch, batch: a.batch, unet_base: a.base, patchgan_ndf: a.ndf, trees: a.trees, phantom_subjects: a.subjects };
  if (a.json) {
    console.log(JSON.stringify({ ...results, ...(volume ? { volume_predict: volume } : {}), setup }));
    return;
  }
  if (volume) console.log(`\nvolume_predict: ${(volume['shape'] as number[]).join('x')} through a U-Net base ${volume['base']}: Lacuna (${volume['backend']}) ${Number(volume['seconds']).toFixed(1)} s, PyTorch ${Number(volume['torch_seconds']).toFixed(1)} s, ratio ${Number(volume['ratio']).toFixed(2)} (goal <= 1.5)`);
  console.log(`\nmedsynth benchmark (${info.backend}, ${info.threads} thread(s); networks: real pair ${setup.real_steps} steps, norm ${setup.real_norm}; phantom ${setup.phantom_steps} steps, norm ${setup.phantom_norm}; batch ${a.batch}; scores on held-out data inside the head mask, target scaled to [0, 1])`);
  console.log(`${'task'.padEnd(15)} ${'model'.padEnd(13)} ${'MAE'.padStart(8)} ${'PSNR dB'.padStart(8)} ${'SSIM'.padStart(7)} ${'train s'.padStart(8)} ${'dPSNR vs RF'.padStart(12)}`);
  for (const [task, r] of Object.entries(results)) {
    if ('skipped' in r) {
      console.log(`${task.padEnd(15)} skipped: ${r.skipped}`);
      continue;
    }
    for (const key of MODELS) {
      const s = r[key];
      if (!s) continue;
      console.log(`${task.padEnd(15)} ${key.padEnd(13)} ${s.mae.toFixed(4).padStart(8)} ${s.psnr.toFixed(2).padStart(8)} ${s.ssim.toFixed(4).padStart(7)} ${s.train_s.toFixed(1).padStart(8)} ${(key === 'rf' ? '(reference)' : (s.psnr - r.rf!.psnr >= 0 ? '+' : '') + (s.psnr - r.rf!.psnr).toFixed(2)).padStart(12)}`);
    }
  }
}
