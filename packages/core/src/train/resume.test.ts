/**
 * Crash and resume: a child process trains a tiny seeded model (testdata/tiny_run.ts) for 40
 * steps with checkpoints every 5. It is SIGKILLed (or SIGINTed) mid-run, resumed, and its
 * final weights, optimiser state, RNG state and log must equal an uninterrupted run's, bit for bit.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listCheckpoints } from './checkpoint.js';
import { JsonlLog } from './jsonl_log.js';

const SCRIPT = fileURLToPath(new URL('./testdata/tiny_run.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
let tmp = '';

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  steps: number[];
  stdout: string;
  stderr: string;
}

/** Runs tiny_run.ts; with `kill`, sends the signal once a `step n` line with n ≥ atStep appears. */
function run(args: string[], kill?: { signal: NodeJS.Signals; atStep: number }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', sent = false;
    const steps: number[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      for (const m of chunk.matchAll(/^step (\d+)/gm)) {
        const n = Number(m[1]);
        steps.push(n);
        if (kill && !sent && n >= kill.atStep) {
          sent = true;
          child.kill(kill.signal);
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, steps, stdout, stderr }));
  });
}

/** The bytes that define the end state of a run: weights, optimiser slots, RNG and user state. */
async function finalState(dir: string): Promise<Record<string, Buffer | string>> {
  const ck = join(dir, 'step-000000040');
  const out: Record<string, Buffer | string> = {};
  out['weights'] = await readFile(join(ck, 'models', 'net', 'weights.bin'));
  for (const f of (await readdir(join(ck, 'optimizers'))).sort()) out[f] = await readFile(join(ck, 'optimizers', f));
  const meta = JSON.parse(await readFile(join(ck, 'meta.json'), 'utf8')) as Record<string, unknown>;
  out['rng+user'] = JSON.stringify([meta['rngState'], meta['userState']]);
  return out;
}

function lossesOf(logPath: string): { step: unknown; loss: unknown; ema: unknown }[] {
  return new JsonlLog(logPath).read().map((r) => ({ step: r['step'], loss: r['loss'], ema: r['ema'] }));
}

let reference: Record<string, Buffer | string>;

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'lacuna-resume-'));
  const r = await run(['--dir', join(tmp, 'ref'), '--log', join(tmp, 'ref.jsonl')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^done$/m);
  reference = await finalState(join(tmp, 'ref'));
});

after(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('SIGKILL after step ≥ 15, then resume: final weights and optimiser state equal the uninterrupted run bit for bit', async () => {
  const dir = join(tmp, 'killed'), log = join(tmp, 'killed.jsonl');
  const killed = await run(['--dir', dir, '--log', log, '--delay-ms', '40', '--stall-after', '30'], { signal: 'SIGKILL', atStep: 15 });
  assert.equal(killed.signal, 'SIGKILL');
  assert.doesNotMatch(killed.stdout, /^done$/m);
  const left = await listCheckpoints(dir);
  const latest = left[left.length - 1]!.step;
  assert.ok(latest >= 10 && latest < 40, `latest checkpoint ${latest}`);
  assert.ok(left.length <= 3, 'keeps the last 3');

  const resumed = await run(['--dir', dir, '--log', log, '--resume']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(resumed.steps[0], latest + 1, 'continues after the checkpoint');
  assert.deepEqual(await finalState(dir), reference);
  // The log holds every step once, with the same losses as the reference.
  const got = lossesOf(log);
  assert.deepEqual(got.map((r) => r.step), Array.from({ length: 40 }, (_, i) => i + 1));
  assert.deepEqual(got, lossesOf(join(tmp, 'ref.jsonl')));
});

test('SIGINT saves a checkpoint at the current step and exits 130; resuming completes identically', async () => {
  const dir = join(tmp, 'interrupted');
  const r = await run(['--dir', dir, '--every', '1000', '--delay-ms', '40', '--stall-after', '30'], { signal: 'SIGINT', atStep: 7 });
  assert.equal(r.code, 130, r.stderr);
  const cks = await listCheckpoints(dir);
  assert.equal(cks.length, 1);
  const last = r.steps[r.steps.length - 1]!;
  assert.equal(cks[0]!.step, last, 'checkpoint at the last completed step');
  assert.ok(last >= 7 && last < 40);
  const meta = JSON.parse(await readFile(join(cks[0]!.path, 'meta.json'), 'utf8')) as { reason: string };
  assert.equal(meta.reason, 'signal SIGINT');
  const resumed = await run(['--dir', dir, '--every', '1000', '--resume']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(await finalState(dir), reference);
});

test('on the native engine too: SIGKILL, then resume, equals an uninterrupted native run bit for bit, and the checkpoint names the engine', async () => {
  const ref = join(tmp, 'native-ref'), dir = join(tmp, 'native-killed');
  const a = await run(['--native', '--dir', ref]);
  assert.equal(a.code, 0, a.stderr);
  const killed = await run(['--native', '--dir', dir, '--delay-ms', '40', '--stall-after', '30'], { signal: 'SIGKILL', atStep: 15 });
  assert.equal(killed.signal, 'SIGKILL');
  const resumed = await run(['--native', '--dir', dir, '--resume']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.doesNotMatch(resumed.stderr, /not bit for bit/);
  assert.deepEqual(await finalState(dir), await finalState(ref));
  const meta = JSON.parse(await readFile(join(ref, 'step-000000040', 'meta.json'), 'utf8')) as { engine: { engine: string; threads: number } };
  assert.deepEqual([meta.engine.engine, meta.engine.threads], ['native', 2]);
  // Resuming a native checkpoint on the cpu backend works, and says it is not bit-exact.
  const moved = join(tmp, 'native-to-cpu');
  const b = await run(['--native', '--dir', moved, '--steps', '10']);
  assert.equal(b.code, 0, b.stderr);
  const onCpu = await run(['--dir', moved, '--steps', '20', '--resume']);
  assert.equal(onCpu.code, 0, onCpu.stderr);
  assert.match(onCpu.stderr, /computed on native .*2 thread\(s\), this run uses cpu.*not bit for bit/);
});

test('a fresh run refuses a directory that already holds checkpoints', async () => {
  const r = await run(['--dir', join(tmp, 'ref'), '--steps', '5']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /already holds checkpoints of an earlier run \(latest step \d+\): run again with --resume to continue it/);
});
