/**
 * `npm run bench -- backend`: trains the reference U-Net (classic U-Net, 4 levels, base 32,
 * instance norm, 1 -> 1 channel at 128x128, batch 8, L1, Adam) for a few steps on Lacuna's
 * wasm backend and on PyTorch CPU (the twin in torch_unet.py, run with Debian's
 * /usr/bin/python3) at the same thread count, and prints ms per step, their ratio, and a
 * per-kernel profile of one Lacuna step.
 *
 * Options: --threads N (default: all cores), --steps N (10), --warmup N (2), --batch N (8),
 * --size N (128), --no-torch, --json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as os from 'node:os';
import { initBackend, tf, nn } from '@lacuna/core';

interface Args { threads: number; steps: number; warmup: number; batch: number; size: number; torch: boolean; json: boolean }

function parseArgs(argv: string[]): Args {
  const a: Args = { threads: os.availableParallelism?.() ?? os.cpus().length, steps: 10, warmup: 2, batch: 8, size: 128, torch: true, json: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1) throw new Error(`bench backend: ${k} needs a positive integer, got ${argv[i]}`);
      return v;
    };
    if (k === '--threads') a.threads = num();
    else if (k === '--steps') a.steps = num();
    else if (k === '--warmup') a.warmup = num();
    else if (k === '--batch') a.batch = num();
    else if (k === '--size') a.size = num();
    else if (k === '--no-torch') a.torch = false;
    else if (k === '--json') a.json = true;
    else throw new Error(`bench backend: unknown option ${k}`);
  }
  return a;
}

interface TorchResult { torch_ms: number | null; params?: number; torch?: string; note?: string }

function runTorch(a: Args): TorchResult {
  const python = '/usr/bin/python3'; // Debian's python3-torch is built for the system Python
  if (!existsSync(python)) return { torch_ms: null, note: `${python} not found` };
  const script = fileURLToPath(new URL('./torch_unet.py', import.meta.url));
  const r = spawnSync(python, [script, '--threads', String(a.threads), '--steps', String(a.steps), '--warmup', String(a.warmup), '--batch', String(a.batch), '--size', String(a.size)], { encoding: 'utf8' });
  if (r.status !== 0) return { torch_ms: null, note: `PyTorch not usable: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}` };
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as TorchResult;
}

export async function main(argv: string[]): Promise<void> {
  const a = parseArgs(argv);
  const info = await initBackend({ backend: 'wasm', threads: a.threads });
  const model = nn.unet2d({ inChannels: 1, outChannels: 1, baseChannels: 32, depth: 4, norm: 'instance', inputSize: [a.size, a.size] });
  const params = model.countParams();
  const optimizer = tf.train.adam(2e-4);
  const x = tf.randomNormal([a.batch, a.size, a.size, 1], 0, 1, 'float32', 1);
  const y = tf.randomNormal([a.batch, a.size, a.size, 1], 0, 1, 'float32', 2);
  const step = (): void => {
    const loss = optimizer.minimize(() => tf.mean(tf.abs(tf.sub(model.apply(x, { training: true }) as tf.Tensor, y))) as tf.Scalar, true);
    loss!.dataSync();
    loss!.dispose();
  };
  if (!a.json) process.stderr.write(`lacuna: ${info.backend} backend, ${info.threads} thread(s), U-Net ${(params / 1e6).toFixed(2)} M parameters\n`);
  for (let i = 0; i < a.warmup; i++) step();
  const t0 = performance.now();
  for (let i = 0; i < a.steps; i++) step();
  const lacunaMs = (performance.now() - t0) / a.steps;

  const profile = await tf.profile(() => step());
  const byKernel = new Map<string, number>();
  // Entries named `<op>__op` are op scopes that contain the kernels already listed.
  for (const k of profile.kernels.filter((k) => !k.name.endsWith('__op'))) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + Number(k.kernelTimeMs));
  const kernels = [...byKernel.entries()].sort((p, q) => q[1] - p[1]).map(([name, ms]) => ({ name, ms: Math.round(ms * 10) / 10 }));

  if (!a.json) process.stderr.write('pytorch: running the twin...\n');
  const torch = a.torch ? runTorch(a) : { torch_ms: null, note: 'skipped (--no-torch)' };
  if (torch.params !== undefined && torch.params !== params) {
    throw new Error(`bench backend: the PyTorch twin has ${torch.params} parameters, Lacuna's U-Net ${params}; they must be the same network`);
  }
  const ratio = torch.torch_ms ? lacunaMs / torch.torch_ms : null;
  const result = {
    lacuna_ms: Math.round(lacunaMs),
    torch_ms: torch.torch_ms === null ? null : Math.round(torch.torch_ms),
    ratio: ratio === null ? null : Math.round(ratio * 100) / 100,
    threads: info.threads,
    params,
    batch: a.batch,
    size: a.size,
    steps: a.steps,
    backend: info.backend,
    torch_version: torch.torch ?? null,
    note: torch.note ?? null,
    kernels_ms: Object.fromEntries(kernels.map((k) => [k.name, k.ms])),
  };
  if (a.json) {
    console.log(JSON.stringify(result));
    return;
  }
  const total = kernels.reduce((s, k) => s + k.ms, 0);
  console.log(`\nU-Net training step (batch ${a.batch}, ${a.size}x${a.size}, ${(params / 1e6).toFixed(2)} M params), ${info.threads} thread(s), mean of ${a.steps} steps\n`);
  console.log('| runtime                  | ms / step | ratio vs PyTorch |');
  console.log('|--------------------------|----------:|-----------------:|');
  console.log(`| Lacuna (${info.backend}, ${info.threads} thr)`.padEnd(27) + `| ${String(result.lacuna_ms).padStart(9)} | ${(result.ratio?.toFixed(2) ?? 'n/a').padStart(16)} |`);
  console.log(`| PyTorch ${torch.torch ?? ''} CPU`.padEnd(27) + `| ${String(result.torch_ms ?? 'n/a').padStart(9)} | ${'1.00'.padStart(16)} |`);
  if (torch.note) console.log(`\nPyTorch: ${torch.note}`);
  console.log(`\nPer-kernel profile of one Lacuna step (sum ${Math.round(total)} ms):\n`);
  console.log('| kernel                   |      ms | share |');
  console.log('|--------------------------|--------:|------:|');
  for (const k of kernels.slice(0, 15)) console.log(`| ${k.name.padEnd(24)} | ${k.ms.toFixed(1).padStart(7)} | ${((100 * k.ms) / total).toFixed(1).padStart(4)}% |`);
}
