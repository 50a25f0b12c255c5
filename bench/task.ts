/**
 * `npm run bench -- task`: task-oriented synthesis on the brain phantom.
 *
 * 1. Segmentation (T1 → T2): G (U-Net) trained with L1, L1 + adversarial (pix2pix weights),
 *    and L1 + a task term: (a) supervised CE of a frozen segmenter F on G(X) against the tissue
 *    labels, (b) label-free: F(G(X)) against F(Y), (c) F's features of G(X) and Y at a shallow
 *    and at a deep layer. The task score is the Dice (CSF, GM, WM) of a *separate* frozen
 *    segmenter, trained on real T2 (another seed), applied to the synthetic T2 of held-out
 *    subjects; `real` is the same segmenter on the real T2 (the ceiling).
 * 2. T1 → CT: L1 vs L1 + (d) the soft HU-threshold term; score: HU-class agreement in the head.
 * 3. Missing-modality diagnosis (`lacuna medsynth diagnose`): MRI-only, MRI+PET trained on
 *    complete subjects, PET completed by an L1 G, and by a G trained jointly with the classifier,
 *    for PET fractions p = 0.3 and 0.6 over 3 seeds.
 *
 * 4. Harmonisation across sites (harmonisation/): a segmenter trained on site A's T1, Dice on
 *    site A (same_site), on site B raw, after histogram standardisation, after CycleGAN B -> A.
 * 5. Registration through synthesis (registration/): PET moved by random rigid transforms,
 *    registered to T1 directly with mutual information or via a synthetic T1 with correlation
 *    (elastix); landmark error in mm.
 *
 * Options: --steps N (G steps, 400), --subjects N (phantom subjects, 10), --voxel MM (3),
 * --patch N (48), --task-weight W (0.1), --harmonisation-steps N (CycleGAN B -> A, 1500),
 * --only seg|ct|diagnosis|harmonisation|registration (repeatable), --jobs N (2: harmonisation and
 * registration asked for together, with nothing else, run as two one-thread processes side by
 * side), --json.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, tf } from '@lacuna/core';
import { data, harmonisation, parseTrainConfig, registration, task, trainSynthesis, workflow, writePhantom } from '@lacuna/medsynth';
import { parseDiagnosisConfig, runDiagnosisExperiments } from '@lacuna/medsynth/experiments';
import { benchArgs } from './args.js';

const { loadTrainingSubjects, segClassStack, trainTaskSegmenter } = workflow;
const { stackSubjects } = data;
const { segmentationDice } = task;

interface Args { steps: number; subjects: number; voxel: number; patch: number; taskWeight: number; harmonisationSteps: number; only: string[]; jobs: number; json: boolean }

function parseArgs(argv: string[]): Args {
  const o = benchArgs('task', argv, {
    steps: { kind: 'number', default: 400 }, subjects: { kind: 'number', default: 10 }, voxel: { kind: 'number', default: 3 }, patch: { kind: 'number', default: 48 },
    'task-weight': { kind: 'number', default: 0.1 }, 'harmonisation-steps': { kind: 'number', default: 1500 }, only: { kind: 'repeat' }, jobs: { kind: 'count', default: 2 }, json: { kind: 'flag' },
  });
  const { 'task-weight': taskWeight, 'harmonisation-steps': harmonisationSteps, ...rest } = o;
  return { ...rest, taskWeight, harmonisationSteps };
}

const SEG_VARIANTS = {
  l1: { loss: { l1: 1 } },
  l1_adv: { loss: { l1: 100, adversarial: { kind: 'vanilla', weight: 1 } } },
  task_a: { task: { kind: 'supervised' } },
  task_b: { task: { kind: 'labelFree' } },
  task_c_shallow: { task: { kind: 'feature', depth: 'shallow' } },
  task_c_deep: { task: { kind: 'feature', depth: 'deep' } },
} as const;

/** Experiments that run as their own one-thread processes when asked for together (`--jobs` at a time): none shares work with another. */
const SEPARATE = ['harmonisation', 'registration'] as const;

/** Runs `rows` as `bench task --only ROW --json` children with LACUNA_THREADS=1, `jobs` at a time; their JSON objects merged. */
async function runSeparately(rows: readonly string[], argv: readonly string[], jobs: number): Promise<Record<string, unknown>> {
  const passOn: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [flag] = argv[i]!.split('=');
    if (flag === '--json') continue;
    if (flag === '--only' || flag === '--jobs') {
      if (!argv[i]!.includes('=')) i++;
      continue;
    }
    passOn.push(argv[i]!);
  }
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  const merged: Record<string, unknown> = {};
  const queue = [...rows];
  const worker = async () => {
    for (let row = queue.shift(); row !== undefined; row = queue.shift()) {
      const child = spawn(process.execPath, [...process.execArgv, main, 'task', ...passOn, '--only', row, '--jobs', '1', '--json'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LACUNA_THREADS: '1' } });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      if (code !== 0) throw new Error(`bench task: ${row} failed (exit ${code})`);
      const j = JSON.parse(stdout) as Record<string, unknown>;
      merged[row] = j[row];
      merged[`${row}_setup`] = j.setup;
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, rows.length) }, worker));
  return merged;
}

export async function main(argv: string[]): Promise<void> {
  const a = parseArgs(argv);
  // Harmonisation and registration asked for together: side by side, one thread each (the
  // CycleGAN of the one and the elastix runs of the other keep one core busy apiece).
  const separate = SEPARATE.filter((k) => a.only.includes(k));
  if (a.jobs > 1 && separate.length > 1 && a.only.every((k) => separate.includes(k as (typeof SEPARATE)[number]))) {
    const t0 = performance.now();
    const out = { ...(await runSeparately(separate, argv, a.jobs)), seconds: (performance.now() - t0) / 1000 };
    console.log(a.json ? JSON.stringify(out) : JSON.stringify(out, null, 2));
    return;
  }
  const info = await initBackend();
  const log = (m: string) => (a.json ? process.stderr.write(`${m}\n`) : console.log(m));
  const want = (k: string) => a.only.length === 0 || a.only.includes(k);
  const work = await mkdtemp(join(tmpdir(), 'lacuna-bench-task-'));
  const out: Record<string, unknown> = {};
  try {
    const phantom = join(work, 'phantom');
    if (want('seg') || want('ct')) {
      await writePhantom(phantom, { subjects: a.subjects, seed: 5, voxel: a.voxel });
      log(`phantom: ${a.subjects} subjects at ${a.voxel} mm`);
    }
    const base = (target: string, extra: object, name: string) =>
      parseTrainConfig({
        data: { phantom, source: ['t1'], target, split: { val: 0, test: Math.max(2, Math.round(a.subjects * 0.3)), seed: 0 }, patchSize: a.patch },
        model: { arch: 'unet', base: 16, depth: 3, norm: 'batch' },
        discriminator: { ndf: 32 },
        train: { steps: a.steps, batchSize: 8, lr: 1e-3, beta1: 0.5, seed: 1, checkpointEvery: a.steps, sampleEvery: a.steps },
        out: join(work, name),
        ...extra,
      });
    if (want('seg')) {
      const probe = base('t2', {}, 'probe');
      const subjects = await loadTrainingSubjects(probe);
      const trainStacks = stackSubjects(subjects.train, { multiple: 8 });
      const evaluator = trainTaskSegmenter(trainStacks, probe.evaluation.segmenter, 'bench task');
      const testStacks = stackSubjects(subjects.test, { multiple: 8 });
      const realImages = tf.tensor4d(testStacks.target.data, [...testStacks.target.shape]);
      const real = segmentationDice(evaluator, realImages, segClassStack(testStacks.labels!).data, 4);
      realImages.dispose();
      const realTissue = real.perClass.slice(1).reduce((s, v) => s + v, 0) / 3;
      log(`seg: evaluator Dice on real T2 of the test subjects: ${realTissue.toFixed(4)}`);
      const dice: Record<string, number> = {};
      const detail: Record<string, object> = {};
      for (const [key, v] of Object.entries(SEG_VARIANTS)) {
        const extra = 'task' in v ? { loss: { l1: 1 }, task: { ...v.task, weight: a.taskWeight } } : { loss: v.loss };
        const r = await trainSynthesis(base('t2', { ...extra, evaluation: { taskDice: true } }, key), { subjects, evaluator, progress: a.json ? 'none' : 'auto' });
        dice[key] = r.taskDice!.mean;
        detail[key] = { dice: r.taskDice!.mean, perClass: r.taskDice!.perClass, mae: r.test!.mae, psnr: r.test!.psnr, ssim: r.test!.ssim, train_s: r.seconds };
        log(`seg: ${key}: Dice ${r.taskDice!.mean.toFixed(4)}  PSNR ${r.test!.psnr.toFixed(2)}  SSIM ${r.test!.ssim.toFixed(4)}  (${r.seconds.toFixed(0)} s)`);
      }
      evaluator.dispose();
      out.dice = { ...dice, real: realTissue };
      out.dice_detail = detail;
    }
    if (want('ct')) {
      const subjects = await loadTrainingSubjects(base('ct', {}, 'probe_ct'));
      const hu: Record<string, object> = {};
      for (const [key, extra] of [['l1', { loss: { l1: 1 } }], ['task_d', { loss: { l1: 1 }, task: { kind: 'huThreshold', weight: a.taskWeight * 5 } }]] as const) {
        const r = await trainSynthesis(base('ct', { ...extra, evaluation: { huClasses: true } }, `ct_${key}`), { subjects, progress: a.json ? 'none' : 'auto' });
        hu[key] = { accuracy: r.huClasses!.accuracy, perClass: r.huClasses!.perClass, mae: r.test!.mae, psnr: r.test!.psnr };
        log(`ct: ${key}: HU-class agreement ${r.huClasses!.accuracy.toFixed(4)}  bone Dice ${(r.huClasses!.perClass.bone ?? NaN).toFixed(4)}  PSNR ${r.test!.psnr.toFixed(2)}`);
      }
      out.ct_hu_classes = hu;
    }
    if (want('harmonisation')) {
      const r = await harmonisation.runHarmonisation({ dir: join(work, 'harmonisation'), cyclegan: { steps: a.harmonisationSteps }, progress: a.json ? 'none' : 'auto', log: (m) => log(`harmonisation: ${m}`) });
      out.harmonisation = { ...Object.fromEntries(harmonisation.HARMONISATION_METHODS.map((m) => [m, r.dice[m].mean])), recovered_histogram: r.recovered.histogram, recovered_synthesis: r.recovered.synthesis, recovered_synthesis_a_to_b: r.recovered.synthesis_a_to_b, seconds: r.seconds.total };
    }
    if (want('registration')) {
      const r = await registration.runRegistrationExperiment({ dir: join(work, 'registration'), progress: a.json ? 'none' : 'auto', log: (m) => log(`registration: ${m}`) });
      out.registration = { initial_mm: r.initial_mm, direct_mi_mm: r.direct_mi_mm, via_synthesis_mm: r.via_synthesis_mm, cases: r.cases.length, g_psnr: r.synthesis.psnr, seconds: r.seconds.total };
    }
    if (want('diagnosis')) {
      const report = runDiagnosisExperiments(parseDiagnosisConfig({}), (e) => log(`diagnosis: p ${e.p} seed ${e.seed} ${e.method}: acc ${e.acc.toFixed(3)} auc ${e.auc.toFixed(3)}`));
      out.diagnosis = Object.fromEntries(Object.entries(report.results).map(([p, r]) => [p, Object.fromEntries(Object.entries(r).map(([m, s]) => [m, { acc: s.acc, auc: s.auc, acc_std: s.accStd, auc_std: s.aucStd }]))]));
      out.diagnosis_seconds = report.seconds;
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  out.setup = { backend: info.backend, threads: info.threads, steps: a.steps, subjects: a.subjects, voxel: a.voxel, patch: a.patch, task_weight: a.taskWeight };
  if (a.json) {
    console.log(JSON.stringify(out));
    return;
  }
  console.log('\ntask-oriented synthesis (phantom; scores on held-out subjects)');
  if (out.dice) {
    console.log(`${'G trained with'.padEnd(16)} ${'task Dice'.padStart(10)} ${'vs L1'.padStart(8)}`);
    const d = out.dice as Record<string, number>;
    for (const [k, v] of Object.entries(d)) console.log(`${k.padEnd(16)} ${v.toFixed(4).padStart(10)} ${(k === 'l1' ? '(ref)' : (v - d.l1! >= 0 ? '+' : '') + (v - d.l1!).toFixed(4)).padStart(8)}`);
  }
  if (out.ct_hu_classes) for (const [k, v] of Object.entries(out.ct_hu_classes as Record<string, { accuracy: number }>)) console.log(`T1->CT ${k.padEnd(9)} HU-class agreement ${v.accuracy.toFixed(4)}`);
  if (out.harmonisation) {
    const h = out.harmonisation as Record<string, number>;
    console.log(`\nharmonisation (Dice of a site A segmenter): same site ${h.same_site!.toFixed(4)}, site B raw ${h.raw!.toFixed(4)}, histogram ${h.histogram!.toFixed(4)}, synthesis B -> A ${h.synthesis!.toFixed(4)}, segmenter on A -> B ${h.synthesis_a_to_b!.toFixed(4)}; loss recovered: histogram ${(100 * h.recovered_histogram!).toFixed(1)} %, synthesis ${(100 * h.recovered_synthesis!).toFixed(1)} %, A -> B ${(100 * h.recovered_synthesis_a_to_b!).toFixed(1)} %`);
  }
  if (out.registration) {
    const r = out.registration as Record<string, number>;
    console.log(`registration PET -> T1 (landmark error, mm): misaligned ${r.initial_mm!.toFixed(2)}, direct MI ${r.direct_mi_mm!.toFixed(3)}, via synthesis ${r.via_synthesis_mm!.toFixed(3)} (${r.cases} cases)`);
  }
  if (out.diagnosis) {
    console.log(`\n${'p'.padEnd(6)} ${'method'.padEnd(14)} ${'acc'.padStart(14)} ${'AUC'.padStart(14)}`);
    for (const [p, r] of Object.entries(out.diagnosis as Record<string, Record<string, { acc: number; auc: number; acc_std: number; auc_std: number }>>)) {
      for (const [m, s] of Object.entries(r)) console.log(`${p.padEnd(6)} ${m.padEnd(14)} ${`${s.acc.toFixed(3)} ± ${s.acc_std.toFixed(3)}`.padStart(14)} ${`${s.auc.toFixed(3)} ± ${s.auc_std.toFixed(3)}`.padStart(14)}`);
    }
  }
}
