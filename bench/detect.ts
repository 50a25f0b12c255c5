/**
 * Monocular 3-D detection in the rendered driving-like scenes (EPro-PnP's Table 3, at this
 * scale): the direct FCOS3D-style detector trained from scratch per seed and scored on the same
 * test scenes with nuScenes-style metrics, against a chance detector measured in the same run
 * (boxes of the class's mean size at random places in view, random headings, one per true object,
 * random scores): the reference the NDS ratio is taken against (its mAP is 0: nuScenes clips precision below 0.1).
 *
 * Per seed: `--scenes` training scenes rendered from that seed, `--steps` steps of batch 16, the
 * test set `--test` scenes from seed 9001 (shared by every seed; no seed trains on it). Seeds run
 * as separate one-thread processes, `--jobs` at a time (two cores: both seeds at once).
 *
 * The EPro-PnP head (`epropnp`) trains the same backbone and dense head (classification,
 * centerness, 2-D box) with the deformable-correspondence head and the 4-DoF Monte Carlo pose loss
 * instead of pose regression, at the same budget; `vertical_weight_ratio` is its mean vertical
 * weight in the top and bottom fifths of the objects' 2-D boxes over the middle fifth (test scenes);
 * `x3d_spread` is, per class, each axis's spread of its (never supervised) object coordinates over
 * that of points filling the true box (1: as wide as the object).
 *
 * Options: --only direct|epropnp|chance (repeatable), --seeds N (2), --steps N (2000), --scenes N
 * (4000), --test N (500), --jobs N (2), --keep DIR (keep each trained model as DIR/HEAD-seedS),
 * --json. Internal: --head H --seed S runs one in this process.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { data, initBackend } from '@lacuna/core';
import { detection } from '@lacuna/epropnp';
import { benchArgs } from './args.js';

const TEST_SEED = 9001;
const ROWS = ['direct', 'epropnp', 'chance'] as const;
const HEADS = ['direct', 'epropnp'] as const;
type Head = (typeof HEADS)[number];
type Scores = { map: number; ate: number; ase: number; aoe: number; nds: number };
type Spread = Record<string, [number, number, number]>;
type SeedResult = Scores & { seed: number; seconds: number; steps: number; vertical_weight_ratio?: number; x3d_spread?: Spread };

function scores(m: detection.DetectionMetrics): Scores {
  return { map: m.map, ate: m.ate, ase: m.ase, aoe: m.aoe, nds: m.nds };
}

/** One seed of one head, in this process. */
async function runSeed(head: Head, seed: number, a: { steps: number; scenes: number; test: number; keep?: string }, log: (m: string) => void): Promise<SeedResult> {
  const t0 = performance.now();
  const trainData = detection.renderDetectionData(a.scenes, seed);
  const testData = detection.renderDetectionData(a.test, TEST_SEED);
  log(`${head} seed ${seed}: ${a.scenes} training scenes rendered (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  const dir = await mkdtemp(join(tmpdir(), 'lacuna-bench-detect-'));
  try {
    const r = await detection.trainDetector({ out: dir, data: trainData, steps: a.steps, seed, head, progress: 'none', checkpointEvery: a.steps, onStep: (s, l) => void (s % 250 === 0 && log(`${head} seed ${seed}: step ${s}/${a.steps} ${Object.entries(l).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(' ')}`)) });
    const model = await detection.loadDetector(r.modelDir);
    const m = detection.evaluateDetector(model, testData);
    const ratio = head === 'epropnp' ? { vertical_weight_ratio: detection.verticalWeights(model, testData), x3d_spread: detection.x3dSpread(model, testData) } : {};
    model.net.dispose();
    if (a.keep) await cp(r.modelDir, join(a.keep, `${head}-seed${seed}`), { recursive: true });
    return { seed, ...scores(m), ...ratio, seconds: (performance.now() - t0) / 1000, steps: r.steps };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The chance reference: per test image, one box per true object at a random visible ground position. */
function chance(test: detection.DetectionData, seed: number): Scores {
  const rng = new data.Random(seed);
  const K = test.intrinsics;
  const halfFov = Math.atan(test.width / 2 / K.fx);
  const samples = test.truths.map((truth) => ({
    truth,
    predicted: truth.map(() => {
      const label = test.classes[rng.int(0, test.classes.length)]!;
      const size = detection.MEAN_SIZES[label as detection.SceneClass];
      const z = rng.uniform(6, 35), x = z * Math.tan(rng.uniform(-halfFov, halfFov) * 0.9);
      return { label, centre: [x, detection.CAMERA_HEIGHT - size[1] / 2, z] as const, size, yaw: rng.uniform(-Math.PI, Math.PI), score: rng.uniform() };
    }),
  }));
  return scores(detection.detectionMetrics(samples, { classes: test.classes, headingFree: detection.HEADING_FREE_CLASSES }));
}

const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;

export async function main(argv: string[]): Promise<void> {
  const a = benchArgs('detect', argv, {
    only: { kind: 'repeat', choices: ROWS }, seeds: { kind: 'count', default: 2 }, steps: { kind: 'count', default: 2000 }, scenes: { kind: 'count', default: 4000 },
    test: { kind: 'count', default: 500 }, jobs: { kind: 'count', default: 2 }, seed: { kind: 'int' }, head: { kind: 'string', default: 'direct', choices: HEADS }, keep: { kind: 'string' }, json: { kind: 'flag' },
  });
  const log = (m: string) => (a.json ? process.stderr : process.stdout).write(`${m}\n`);
  const rows = a.only.length ? a.only : [...ROWS];
  if (a.seed !== undefined) {
    await initBackend({ threads: 1 });
    process.stdout.write(`${JSON.stringify(await runSeed(a.head as Head, Number(a.seed), a, log))}\n`);
    return;
  }
  const info = await initBackend({ threads: 1 });
  const out: Record<string, unknown> = {};
  const test = detection.renderDetectionData(a.test, TEST_SEED);
  const reference = chance(test, 7);
  if (rows.includes('chance')) out.chance = reference;
  const heads = HEADS.filter((h) => rows.includes(h));
  if (heads.length) {
    const seeds = Array.from({ length: a.seeds }, (_, k) => k + 1);
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    const results: Record<Head, SeedResult[]> = { direct: [], epropnp: [] };
    // The EPro-PnP runs first (the longer ones), so the two queues end close together.
    const queue = [...heads].reverse().flatMap((h) => seeds.map((seed) => ({ head: h, seed })));
    const worker = async () => {
      for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
        const child = spawn(process.execPath, [...process.execArgv, main, 'detect', '--head', job.head, '--seed', String(job.seed), '--steps', String(a.steps), '--scenes', String(a.scenes), '--test', String(a.test), ...(a.keep ? ['--keep', a.keep] : []), '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
        let stdout = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
        if (code !== 0) throw new Error(`bench detect: ${job.head} seed ${job.seed} failed (exit ${code})`);
        results[job.head].push(JSON.parse(stdout) as SeedResult);
      }
    };
    await Promise.all(Array.from({ length: Math.min(a.jobs, queue.length) }, worker));
    const keys = ['map', 'ate', 'ase', 'aoe', 'nds'] as const;
    for (const h of heads) {
      const rs = results[h].sort((x, y) => x.seed - y.seed);
      const summary = Object.fromEntries(keys.map((k) => [k, mean(rs.map((r) => r[k]))])) as Scores;
      for (const [k, v] of Object.entries(summary)) if (!Number.isFinite(v)) throw new Error(`bench detect: ${h} ${k} is not finite (${v})`);
      out[h] = summary;
      out[`${h}_seeds`] = rs;
      if (!(reference.nds > 0)) throw new Error(`bench detect: the chance reference scores NDS 0 on ${a.test} test scenes; give more (--test)`);
      out[`${h}_nds_over_chance`] = summary.nds / reference.nds;
      if (h === 'epropnp') {
        const ratio = mean(rs.map((r) => r.vertical_weight_ratio!));
        if (!Number.isFinite(ratio)) throw new Error(`bench detect: vertical_weight_ratio is not finite (${ratio})`);
        out.vertical_weight_ratio = ratio;
        const spread: Spread = {};
        for (const c of Object.keys(rs[0]!.x3d_spread!)) spread[c] = [0, 1, 2].map((k) => mean(rs.map((r) => r.x3d_spread![c]![k]!))) as [number, number, number];
        if (!Object.values(spread).flat().every(Number.isFinite)) throw new Error(`bench detect: x3d_spread is not finite (${JSON.stringify(spread)})`);
        out.x3d_spread = spread;
      }
    }
  }
  out.setup = { backend: info.backend, threads: 1, steps: a.steps, scenes: a.scenes, test_scenes: a.test, test_seed: TEST_SEED, seeds: a.seeds, jobs: a.jobs };
  if (a.json) {
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const f = (x: number) => x.toFixed(3);
  console.log(`\n3-D detection, ${a.test} test scenes (seed ${TEST_SEED}); each head: ${a.scenes} training scenes, ${a.steps} steps, ${a.seeds} seed(s)\n`);
  console.log('row       mAP    ATE (m)  ASE    AOE (rad)  NDS    NDS / chance  seconds');
  const line = (name: string, s: Scores, seconds = NaN) => console.log(`${name.padEnd(8)}  ${f(s.map)}  ${f(s.ate)}    ${f(s.ase)}  ${f(s.aoe)}      ${f(s.nds)}  ${(s.nds / reference.nds).toFixed(1).padStart(12)}  ${Number.isFinite(seconds) ? seconds.toFixed(0) : ''}`);
  line('chance', reference);
  for (const h of HEADS) {
    if (!out[h]) continue;
    line(h, out[h] as Scores);
    for (const r of out[`${h}_seeds`] as SeedResult[]) line(`  seed ${r.seed}`, r, r.seconds);
  }
  if (out.vertical_weight_ratio !== undefined) console.log(`\nEPro-PnP head: vertical weight, top and bottom fifths over the middle fifth of the 2-D box: ${(out.vertical_weight_ratio as number).toFixed(2)}`);
  if (out.x3d_spread !== undefined) for (const [c, v] of Object.entries(out.x3d_spread as Spread)) console.log(`EPro-PnP head: x3d spread over the true box's, ${c} (x, y, z): ${v.map(f).join(', ')}`);
}
