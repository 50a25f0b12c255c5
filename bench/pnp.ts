/**
 * `npm run bench -- pnp`: Lacuna's PnP solver and Monte Carlo pose loss against OpenCV and
 * the official EPro-PnP (PyTorch) figures.
 *
 *  - Batches of 32 problems at N = 64, 512 and 1024 points: LineMOD camera, object points in
 *    a 20 cm box 0.6-1.2 m away, random orientation, 1 px Gaussian pixel noise, unit weights.
 *    Methods, all in this process and single-threaded: Lacuna LM with its default EPnP
 *    initialisation, Lacuna LM with random-sample initialisation (EPro-PnP's RSLM defaults:
 *    64 proposals of 16 points, 3 iterations each), and OpenCV.js 4.5 solvePnP ITERATIVE,
 *    EPNP, SQPNP and solvePnPRansac. When Debian's python3-opencv is installed, native
 *    OpenCV runs the same problems (bench/pnp_opencv.py, system Python).
 *  - The Monte Carlo pose loss (512 samples, 4 AMIS iterations) forward and backward for a
 *    batch of 32 at N = 512.
 * The reference figures of the official PyTorch code were measured on this machine (CPU,
 * 1 thread, batch 32) and are quoted in the issue: RSLM + LM at N = 64 about 126 ms per batch;
 * Monte Carlo forward at N = 512 about 543 ms, backward about 740 ms.
 *
 * Options: --reps N (timed repetitions per method, median reported; default 5), --json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { geometry, losses, makePnPBatch, monteCarloPoseLoss, solvePnPBatch, type SolveOptions } from '@lacuna/epropnp';
import { loadOpenCv, OPENCV_METHODS, poseErrors, solvePnPOpenCv, syntheticProblems, type OpenCv, type SyntheticProblems } from '@lacuna/epropnp/experiments';

const { monteCarloPoseLossGradient } = losses;
const { poseFromRvecTvec } = geometry;
import { benchArgs } from './args.js';

const B = 32;
const SIZES = [64, 512, 1024] as const;
const TORCH = { rslm_lm_n64_ms_per_batch: 126, mc_forward_ms: 543, mc_backward_ms: 740 };

interface MethodResult { ms_per_problem: number; rot_err_deg: number; trans_err: number; failures?: number }

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Median batch time of each method over `reps` rounds. The methods run round-robin within a
 * round, so a busy machine slows them all alike and the ratios stay fair.
 */
function timeRoundRobin(reps: number, methods: Record<string, () => (Float64Array | null)[]>): Record<string, { ms: number; poses: (Float64Array | null)[] }> {
  const times: Record<string, number[]> = {};
  const poses: Record<string, (Float64Array | null)[]> = {};
  for (const [k, run] of Object.entries(methods)) {
    poses[k] = run();
    times[k] = [];
  }
  for (let r = 0; r < reps; r++) {
    for (const [k, run] of Object.entries(methods)) {
      const t0 = performance.now();
      poses[k] = run();
      times[k]!.push(performance.now() - t0);
    }
  }
  return Object.fromEntries(Object.keys(methods).map((k) => [k, { ms: median(times[k]!), poses: poses[k]! }]));
}

function score(sp: SyntheticProblems, poses: (Float64Array | null)[], batchMs: number): MethodResult {
  let rot = 0, trans = 0, ok = 0;
  poses.forEach((p, b) => {
    if (!p || !Number.isFinite(p[0]!)) return;
    const e = poseErrors(p, sp.poseGt, 0, b * 7);
    rot += e.rotDeg;
    trans += e.trans;
    ok++;
  });
  const r: MethodResult = { ms_per_problem: batchMs / B, rot_err_deg: rot / ok, trans_err: trans / ok };
  if (ok < poses.length) r.failures = poses.length - ok;
  return r;
}

function lacuna(sp: SyntheticProblems, N: number, options: SolveOptions) {
  return () => {
    const batch = makePnPBatch({ x3d: sp.x3d, x2d: sp.x2d, camera: sp.camera, N });
    const sol = solvePnPBatch(batch, { ...options, onDegenerate: 'flag' });
    return Array.from({ length: B }, (_, b) => sol.pose.slice(b * 7, b * 7 + 7));
  };
}

function opencvJs(cv: OpenCv, sp: SyntheticProblems, N: number, method: (typeof OPENCV_METHODS)[number]) {
  return () => Array.from({ length: B }, (_, b) => solvePnPOpenCv(cv, sp.x3d.subarray(b * N * 3, (b + 1) * N * 3), sp.x2d.subarray(b * N * 2, (b + 1) * N * 2), sp.camera.K, method));
}

function nativeOpenCvAvailable(): string | null {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import cv2; print(cv2.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function nativeOpenCv(sp: SyntheticProblems, N: number, reps: number): Record<string, MethodResult> {
  const dir = mkdtempSync(join(tmpdir(), 'lacuna-pnp-'));
  try {
    const file = join(dir, 'problems.json');
    writeFileSync(file, JSON.stringify({ B, N, reps, x3d: Array.from(sp.x3d), x2d: Array.from(sp.x2d), K: Array.from(sp.camera.K) }));
    const script = join(dirname(fileURLToPath(import.meta.url)), 'pnp_opencv.py');
    const out = JSON.parse(execFileSync('/usr/bin/python3', [script, file], { encoding: 'utf8', maxBuffer: 64 << 20 }));
    const results: Record<string, MethodResult> = {};
    for (const m of OPENCV_METHODS) {
      const poses = (out[m].poses as (number[] | null)[]).map((p) => (p ? poseFromRvecTvec(p.slice(0, 3), p.slice(3)) : null));
      results[`opencv_native_${m.toLowerCase()}`] = score(sp, poses, out[m].batch_ms);
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function monteCarloTiming(reps: number): { forward: number; backward: number } {
  const N = 512;
  const sp = syntheticProblems({ B, N, seed: 77, noise: 1 });
  const w2d = new Float64Array(B * N * 2).fill(20 / N);
  const fwdTimes: number[] = [], bwdTimes: number[] = [];
  for (let r = 0; r <= reps + 1; r++) {
    const t0 = performance.now();
    const batch = makePnPBatch({ x3d: sp.x3d, x2d: sp.x2d, w2d, camera: sp.camera, N });
    const fwd = monteCarloPoseLoss(batch, sp.poseGt, { seed: r });
    const t1 = performance.now();
    monteCarloPoseLossGradient(batch, sp.poseGt, fwd, new Float64Array(B).fill(1 / B));
    const t2 = performance.now();
    if (r > 1) {
      fwdTimes.push(t1 - t0);
      bwdTimes.push(t2 - t1);
    }
  }
  return { forward: median(fwdTimes), backward: median(bwdTimes) };
}

export async function main(argv: string[]): Promise<void> {
  const { reps, json } = benchArgs('pnp', argv, { reps: { kind: 'count', default: 5 }, json: { kind: 'flag' } });
  const log = (m: string) => (json ? process.stderr.write(m + '\n') : console.log(m));
  const cv = await loadOpenCv();
  const native = nativeOpenCvAvailable();
  log(native ? `native OpenCV ${native} found (python3-opencv)` : 'native OpenCV: not installed (apt-get install python3-opencv to add it)');
  const result: Record<string, unknown> = {};
  // Warm the JIT on every code path first: otherwise the first size measured pays for compilation.
  {
    const sp = syntheticProblems({ B, N: 64, seed: 1, noise: 1 });
    for (let i = 0; i < 10; i++) {
      lacuna(sp, 64, {})();
      lacuna(sp, 64, { init: 'random-sample' })();
      for (const m of OPENCV_METHODS) opencvJs(cv, sp, 64, m)();
    }
  }
  for (const N of SIZES) {
    const sp = syntheticProblems({ B, N, seed: N, noise: 1 });
    const r = N >= 512 ? Math.max(3, Math.ceil(reps / 2)) : reps;
    const row: Record<string, MethodResult> = {};
    const methods: Record<string, () => (Float64Array | null)[]> = {
      lacuna_lm: lacuna(sp, N, {}),
      lacuna_lm_rslm: lacuna(sp, N, { init: 'random-sample' }),
    };
    for (const m of OPENCV_METHODS) methods[`opencv_${m.toLowerCase()}`] = opencvJs(cv, sp, N, m);
    for (const [k, t] of Object.entries(timeRoundRobin(r, methods))) row[k] = score(sp, t.poses, t.ms);
    if (native) Object.assign(row, nativeOpenCv(sp, N, r));
    result[`n${N}`] = row;
    log(`N = ${N}: done`);
  }
  const mc = monteCarloTiming(Math.max(1, Math.ceil(reps / 2)));
  result.mc_loss_n512_ms = mc;
  result.reference_pytorch = TORCH;
  if (json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  console.log('\nPnP, batches of 32 problems, 1 px noise (ms per problem; errors are means over the batch)\n');
  console.log('| N | method | ms/problem | vs OpenCV.js ITERATIVE | rot err deg | trans err mm |');
  console.log('|---:|---|---:|---:|---:|---:|');
  for (const N of SIZES) {
    const row = result[`n${N}`] as Record<string, MethodResult>;
    const ref = row.opencv_iterative!.ms_per_problem;
    for (const [k, v] of Object.entries(row)) {
      console.log(`| ${N} | ${k} | ${v.ms_per_problem.toFixed(3)} | ${(ref / v.ms_per_problem).toFixed(2)}x | ${v.rot_err_deg.toFixed(4)} | ${(v.trans_err * 1000).toFixed(3)}${v.failures ? ` (${v.failures} failed)` : ''} |`);
    }
  }
  const n64 = (result.n64 as Record<string, MethodResult>).lacuna_lm_rslm!.ms_per_problem * B;
  console.log(`\nLM with random-sample init, N = 64: ${n64.toFixed(1)} ms per batch of 32 vs PyTorch EPro-PnP ${TORCH.rslm_lm_n64_ms_per_batch} ms (${(TORCH.rslm_lm_n64_ms_per_batch / n64).toFixed(2)}x)`);
  console.log('\nMonte Carlo pose loss, batch 32, N = 512, 512 samples\n');
  console.log('| pass | Lacuna ms | PyTorch EPro-PnP ms | speed-up |');
  console.log('|---|---:|---:|---:|');
  console.log(`| forward | ${mc.forward.toFixed(1)} | ${TORCH.mc_forward_ms} | ${(TORCH.mc_forward_ms / mc.forward).toFixed(2)}x |`);
  console.log(`| backward | ${mc.backward.toFixed(1)} | ${TORCH.mc_backward_ms} | ${(TORCH.mc_backward_ms / mc.backward).toFixed(2)}x |`);
}
