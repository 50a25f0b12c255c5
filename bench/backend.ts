/**
 * `npm run bench -- backend`: trains the reference U-Net (classic U-Net, 4 levels, base 32,
 * instance norm, 1 -> 1 channel at 128x128, batch 8, L1, Adam) for a few steps on each engine
 * at 1 and 2 threads — Lacuna native (wasm backend with the heavy kernels on ONNX Runtime),
 * Lacuna wasm (its own kernels only), and PyTorch CPU (the twin in torch_unet.py, run with
 * Debian's /usr/bin/python3: `apt-get install python3-torch`) — and prints ms per step, the
 * ratios against PyTorch, and a per-kernel profile of one step of the engine `initBackend`
 * picks.
 *
 * Each Lacuna engine runs in its own process (the native choice is made once per process).
 *
 * Options: --threads N,M (default 1,2), --steps N (10), --warmup N (2), --batch N (8),
 * --size N (128), --only native,wasm,torch, --json (exactly one JSON object; a requested
 * engine that cannot run is an error).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initBackend, tf, nn, train } from '@lacuna/core';
import { benchArgs } from './args.js';

const ENGINES = ['native', 'wasm', 'torch'] as const;
type Engine = (typeof ENGINES)[number];

interface Args { threads: number[]; steps: number; warmup: number; batch: number; size: number; only: Engine[]; json: boolean; child: 'native' | 'wasm' | null; profile: boolean }

function parseArgs(argv: string[]): Args {
  const o = benchArgs('backend', argv, {
    threads: { kind: 'ints', default: [1, 2] }, steps: { kind: 'count', default: 10 }, warmup: { kind: 'count', default: 2 }, batch: { kind: 'count', default: 8 },
    size: { kind: 'count', default: 128 }, only: { kind: 'list', default: [...ENGINES], choices: ENGINES }, json: { kind: 'flag' },
    child: { kind: 'string', choices: ['native', 'wasm'] }, profile: { kind: 'flag' },
  });
  return { ...o, only: o.only as Engine[], child: (o.child ?? null) as Args['child'] };
}

interface RunResult { ms: number; params: number; engine: string; version: string; kernels_ms?: Record<string, number> }

/** One engine at one thread count, in this process. Prints one JSON line. */
async function runChild(a: Args): Promise<void> {
  const threads = a.threads[0]!;
  const info = await initBackend({ backend: 'wasm', threads, native: a.child === 'native' });
  if (info.engine !== a.child) throw new Error(`bench backend: asked for the ${a.child} engine, got ${info.engine} (${info.notes.join('; ')})`);
  const model = nn.unet2d({ inChannels: 1, outChannels: 1, baseChannels: 32, depth: 4, norm: 'instance', inputSize: [a.size, a.size] });
  // Lacuna's Adam (one fused kernel per variable on wasm; tfjs' update elsewhere), as training uses.
  const optimizer = new train.FusedAdamOptimizer(2e-4, 0.9, 0.999, 1e-8);
  const x = tf.randomNormal([a.batch, a.size, a.size, 1], 0, 1, 'float32', 1);
  const y = tf.randomNormal([a.batch, a.size, a.size, 1], 0, 1, 'float32', 2);
  const step = (): void => {
    const loss = optimizer.minimize(() => tf.mean(tf.abs(tf.sub(model.apply(x, { training: true }) as tf.Tensor, y))) as tf.Scalar, true);
    loss!.dataSync();
    loss!.dispose();
  };
  for (let i = 0; i < a.warmup; i++) step();
  const t0 = performance.now();
  for (let i = 0; i < a.steps; i++) step();
  const ms = (performance.now() - t0) / a.steps;
  const result: RunResult = { ms, params: model.countParams(), engine: info.engine, version: info.native?.version ?? info.versions['tfjs-backend-wasm'] ?? '' };
  if (a.profile) {
    const profile = await tf.profile(() => step());
    const byKernel = new Map<string, number>();
    // Entries named `<op>__op` (op scopes) and 'unnamed scope' (custom gradients) contain kernels already listed.
    for (const k of profile.kernels.filter((k) => !k.name.endsWith('__op') && k.name !== 'unnamed scope')) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + Number(k.kernelTimeMs));
    result.kernels_ms = Object.fromEntries([...byKernel.entries()].sort((p, q) => q[1] - p[1]).map(([name, t]) => [name, Math.round(t * 10) / 10]));
  }
  console.log(JSON.stringify(result));
}

function lastJsonLine(stdout: string): unknown {
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line);
}

function runLacuna(engine: 'native' | 'wasm', threads: number, a: Args, profile: boolean): RunResult {
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  const args = ['--import', 'tsx', main, 'backend', '--child', engine, '--threads', String(threads), '--steps', String(a.steps), '--warmup', String(a.warmup), '--batch', String(a.batch), '--size', String(a.size), ...(profile ? ['--profile'] : [])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, LACUNA_QUIET: '1' } });
  if (r.status !== 0) throw new Error(`bench backend: the ${engine} engine at ${threads} thread(s) failed: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`);
  return lastJsonLine(r.stdout) as RunResult;
}

function runTorch(threads: number, a: Args): RunResult {
  const python = '/usr/bin/python3'; // Debian's python3-torch is built for the system Python
  if (!existsSync(python)) throw new Error(`bench backend: PyTorch needs ${python} with python3-torch (apt-get install python3-torch), or pass --only native,wasm`);
  const script = fileURLToPath(new URL('./torch_unet.py', import.meta.url));
  const r = spawnSync(python, [script, '--threads', String(threads), '--steps', String(a.steps), '--warmup', String(a.warmup), '--batch', String(a.batch), '--size', String(a.size)], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`bench backend: PyTorch not usable (apt-get install python3-torch, or pass --only native,wasm): ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
  }
  const t = lastJsonLine(r.stdout) as { torch_ms: number; params: number; torch: string };
  return { ms: t.torch_ms, params: t.params, engine: 'torch', version: t.torch };
}

const round = (v: number, d = 0) => Math.round(v * 10 ** d) / 10 ** d;

export async function main(argv: string[]): Promise<void> {
  const a = parseArgs(argv);
  if (a.child) return runChild(a);
  const say = (s: string) => {
    if (!a.json) process.stderr.write(s);
  };
  // The engine initBackend picks by default (native when onnxruntime-node is installed).
  const picked = (await initBackend({ backend: 'wasm', threads: 1 })).engine as 'native' | 'wasm';
  const top = Math.max(...a.threads);
  const byThreads: Record<string, Partial<Record<Engine, RunResult>>> = {};
  // Round-robin over thread counts, so background load hits every engine alike.
  for (const t of a.threads) {
    const row: Partial<Record<Engine, RunResult>> = {};
    for (const e of a.only) {
      say(`${e}, ${t} thread(s)...\n`);
      row[e] = e === 'torch' ? runTorch(t, a) : runLacuna(e, t, a, e === picked && t === top);
    }
    byThreads[String(t)] = row;
  }
  const params = new Set(Object.values(byThreads).flatMap((r) => Object.values(r).map((x) => x.params)));
  if (params.size > 1) throw new Error(`bench backend: the engines ran networks of different sizes (${[...params].join(', ')} parameters); they must be the same network`);

  const figures = (row: Partial<Record<Engine, RunResult>>) => {
    const f: Record<string, number> = {};
    for (const e of a.only) f[`${e}_ms`] = round(row[e]!.ms);
    if (row.torch) {
      for (const e of ['native', 'wasm'] as const) if (row[e]) f[`${e}_ratio`] = round(row[e]!.ms / row.torch.ms, 2);
    }
    return f;
  };
  const topRow = byThreads[String(top)]!;
  const pickedRun = topRow[picked];
  const kernels = pickedRun?.kernels_ms ?? {};
  const result = {
    ...figures(topRow),
    threads: top,
    ...(pickedRun ? { lacuna_ms: round(pickedRun.ms) } : {}),
    ...(pickedRun && topRow.torch ? { ratio: round(pickedRun.ms / topRow.torch.ms, 2) } : {}),
    by_threads: Object.fromEntries(Object.entries(byThreads).map(([t, row]) => [t, figures(row)])),
    params: [...params][0]!,
    batch: a.batch,
    size: a.size,
    steps: a.steps,
    kernels_ms: kernels,
  };
  if (a.json) {
    console.log(JSON.stringify(result));
    return;
  }
  const versions = Object.fromEntries(Object.values(topRow).map((r) => [r.engine, r.version]));
  console.log(`\nU-Net training step (batch ${a.batch}, ${a.size}x${a.size}, ${(result.params / 1e6).toFixed(2)} M params), mean of ${a.steps} steps, ms / step\n`);
  const head = ['threads', ...a.only.map((e) => `${e} ms`), ...(a.only.includes('torch') ? a.only.filter((e) => e !== 'torch').map((e) => `${e} / torch`) : [])];
  console.log(`| ${head.join(' | ')} |`);
  console.log(`|${head.map(() => '---:').join('|')}|`);
  for (const [t, row] of Object.entries(byThreads)) {
    const f = figures(row);
    const cells = [t, ...a.only.map((e) => String(f[`${e}_ms`])), ...(row.torch ? a.only.filter((e) => e !== 'torch').map((e) => f[`${e}_ratio`]!.toFixed(2)) : [])];
    console.log(`| ${cells.join(' | ')} |`);
  }
  console.log(`\nengines: ${Object.entries(versions).map(([e, v]) => `${e} ${v}`).join(', ')}`);
  const total = Object.values(kernels).reduce((s, v) => s + v, 0);
  if (total > 0) {
    console.log(`\nPer-kernel profile of one step on the ${picked} engine at ${top} thread(s) (sum ${Math.round(total)} ms):\n`);
    console.log('| kernel                   |      ms | share |');
    console.log('|--------------------------|--------:|------:|');
    for (const [name, ms] of Object.entries(kernels).slice(0, 15)) console.log(`| ${name.padEnd(24)} | ${ms.toFixed(1).padStart(7)} | ${((100 * ms) / total).toFixed(1).padStart(4)}% |`);
  }
}
