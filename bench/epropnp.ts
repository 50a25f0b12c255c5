/**
 * `npm run bench -- epropnp`: EPro-PnP's Table 1 ablation on Lacuna's rendered LineMOD-style
 * set. The same network, data, seeds and step budget for four training variants:
 *   A  coordinate regression + mask (surrogate losses), PnP only at test time
 *   B  Monte Carlo pose loss only      C  B + derivative regularisation      D  C + coordinates
 * All variants start from one shared coordinate-regression warm start (EPro-PnP's
 * epropnp_cdpn_init setting: its LineMOD runs start from a trained CDPN), then train their
 * own losses for the same number of steps. Test crops are centred (no zoom-in jitter) and
 * rendered with another seed; the pose comes from the network's weighted correspondences by
 * EPnP + random-sample LM initialisation, then LM.
 *
 * Options: --object bunny|box|vase (bunny), --train N (training crops, 2000), --test N (200),
 * --crop PX (32), --warmup N (warm-start steps, 1200), --steps N (steps per variant, 800),
 * --seed S (training data and network seed, 1; the test set is fixed), --variants A,B,C,D,
 * --out DIR (runs; default a temporary folder), --json.
 *
 * --only ROW picks rows (repeatable): 'ablation' (the above, the default), and the committed
 * models evaluated on 200 centred test crops (seed 1000) without retraining:
 *   bunny64  models/epropnp-bunny64-D (and -A, the same budget): ADD-0.1d, 5deg 5cm, 2D projection error
 *   box      models/epropnp-box32-D2 (two hypotheses per pixel, Cauchy kernel): ADD-S 0.1d and the
 *            symmetry-mode check (two_mode)
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@lacuna/core';
import { evaluatePoseNet, evaluation, loadPoseModel, renderDataset, type ObjectName, type Variant } from '@lacuna/epropnp';
import { runVariantAblation } from '@lacuna/epropnp/experiments';
import { benchArgs } from './args.js';

interface Args { object: ObjectName; train: number; test: number; crop: number; warmup: number; steps: number; seed: number; variants: Variant[]; out?: string; json: boolean; only: string[] }

function parseArgs(argv: string[]): Args {
  const o = benchArgs('epropnp', argv, {
    object: { kind: 'string', default: 'bunny', choices: ['bunny', 'box', 'vase'] }, train: { kind: 'int', default: 2000 }, test: { kind: 'int', default: 200 },
    crop: { kind: 'int', default: 32 }, warmup: { kind: 'int', default: 1200 }, steps: { kind: 'int', default: 800 }, seed: { kind: 'int', default: 1 },
    variants: { kind: 'list', default: ['A', 'B', 'C', 'D'], choices: ['A', 'B', 'C', 'D'] }, out: { kind: 'string' }, json: { kind: 'flag' },
    only: { kind: 'repeat', default: ['ablation'], choices: ['ablation', 'bunny64', 'box'] },
  });
  const { out, ...rest } = o;
  return { ...rest, object: o.object as ObjectName, variants: o.variants as Variant[], ...(out ? { out } : {}) };
}

export async function main(argv: string[]): Promise<void> {
  const a = parseArgs(argv);
  const log = (m: string) => (a.json ? process.stderr.write(m + '\n') : console.log(m));
  const info = await initBackend();
  log(`${info.backend} backend, ${info.threads} thread(s)`);
  if (!a.only.includes('ablation')) {
    const result = await committedModelRows(a.only, log);
    if (a.json) console.log(JSON.stringify(result, null, 2));
    else printCommittedRows(result);
    return;
  }
  const out = a.out ?? mkdtempSync(join(tmpdir(), 'lacuna-bench-epropnp-'));
  try {
    const rows = await runVariantAblation({ ...a, out, progress: a.json ? 'none' : 'auto', log });
    const result = { object: a.object, train: a.train, test: a.test, crop: a.crop, warmup_steps: a.warmup, steps: a.steps, seed: a.seed, threads: info.threads, ...rows };
    if (a.json) {
      console.log(JSON.stringify(result, null, 2));
      return;
    }
    const addKind = a.object === 'bunny' ? 'ADD' : 'ADD-S';
    console.log(`\n${a.object}: ${a.train} training crops, ${a.test} test crops (${a.crop} px); warm start ${a.warmup} steps, then ${a.steps} steps per variant\n`);
    console.log(`| variant | ${addKind} 0.02d | ${addKind} 0.05d | ${addKind} 0.1d | 2deg 2cm | 5deg 5cm | 2D proj px | vs A (ADD-0.1d) | train s |`);
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    const ref = rows.A?.['add_0.1d'];
    for (const [k, r] of Object.entries(rows)) {
      const diff = ref === undefined || k === 'warm_start' ? '' : `${r['add_0.1d'] - ref >= 0 ? '+' : ''}${(r['add_0.1d'] - ref).toFixed(1)}`;
      console.log(`| ${k} | ${r['add_0.02d'].toFixed(1)} | ${r['add_0.05d'].toFixed(1)} | ${r['add_0.1d'].toFixed(1)} | ${r.deg2_cm2.toFixed(1)} | ${r.deg5_cm5.toFixed(1)} | ${r.proj2d_px.toFixed(2)} | ${diff} | ${r.train_s.toFixed(0)} |`);
    }
  } finally {
    if (!a.out) rmSync(out, { recursive: true, force: true });
  }
}

const MODELS = fileURLToPath(new URL('../models/', import.meta.url));

async function committed(name: string) {
  const dir = join(MODELS, name);
  if (!existsSync(join(dir, 'epropnp.json'))) throw new Error(`bench epropnp: ${dir} is missing: train it (examples/epropnp/) and commit the model folder`);
  return loadPoseModel(dir);
}

/** The committed models on centred test crops (seed 1000, the ablation's test seed). */
async function committedModelRows(only: string[], log: (m: string) => void): Promise<Record<string, Record<string, number | boolean>>> {
  const out: Record<string, Record<string, number | boolean>> = {};
  if (only.includes('bunny64')) {
    const test = renderDataset({ object: 'bunny', count: 200, seed: 1000, cropSize: 64, views: 'upper', zoomIn: { shift: 0, scale: 0 } });
    const c = await committed('epropnp-bunny64-D');
    const a = await committed('epropnp-bunny64-A');
    const sc = evaluatePoseNet(c.net, c.meta.variant, test, { kernel: c.meta.kernel ?? 'huber' });
    const sa = evaluatePoseNet(a.net, a.meta.variant, test, { kernel: a.meta.kernel ?? 'huber' });
    log(`bunny64: D ${(100 * sc.accuracy.add['0.1']!).toFixed(1)} %, A ${(100 * sa.accuracy.add['0.1']!).toFixed(1)} % ADD-0.1d`);
    out['bunny64'] = {
      'add_0.1d': 100 * sc.accuracy.add['0.1']!,
      'add_0.1d_variant_a': 100 * sa.accuracy.add['0.1']!,
      deg5_cm5: 100 * sc.accuracy.degCm['5deg5cm']!,
      proj2d_px: sc.proj2dPx,
      ar_mssd: 100 * sc.accuracy.arMssd,
      deg5_cm5_variant_a: 100 * sa.accuracy.degCm['5deg5cm']!,
      proj2d_px_variant_a: sa.proj2dPx,
    };
    c.net.dispose();
    a.net.dispose();
  }
  if (only.includes('box')) {
    const m = await committed('epropnp-box32-D2');
    const test = renderDataset({ object: 'box', count: 200, seed: 1000, cropSize: m.meta.inputSize, views: 'upper', zoomIn: { shift: 0, scale: 0 } });
    const s = evaluatePoseNet(m.net, m.meta.variant, test, { kernel: m.meta.kernel ?? 'huber' });
    const modes = evaluation.twoModeStats(m.net, m.meta.variant, test, { kernel: m.meta.kernel ?? 'huber' });
    log(`box: ADD-S 0.1d ${(100 * s.accuracy.add['0.1']!).toFixed(1)} %, two modes on ${(100 * modes.fraction).toFixed(1)} % of ${modes.ambiguous} ambiguous crops`);
    out['box'] = {
      'adds_0.1d': 100 * s.accuracy.add['0.1']!,
      ar_mssd: 100 * s.accuracy.arMssd,
      two_mode: modes.twoMode,
      two_mode_fraction: modes.fraction,
      ambiguous_crops: modes.ambiguous,
      steps: m.meta.trainedSteps,
    };
    m.net.dispose();
  }
  return out;
}

function printCommittedRows(r: Record<string, Record<string, number | boolean>>): void {
  console.log('\n| model | metric | value |\n|---|---|---:|');
  for (const [row, values] of Object.entries(r)) for (const [k, v] of Object.entries(values)) console.log(`| ${row} | ${k} | ${typeof v === 'number' ? v.toFixed(2) : v} |`);
}
