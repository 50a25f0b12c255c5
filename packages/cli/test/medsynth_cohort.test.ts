// A BIDS cohort on a real Redis queue (Debian's redis-server, 127.0.0.1 only) across two worker
// processes, one killed with SIGKILL mid-job: every output appears exactly once and matches the
// single-process prediction bit for bit; a corrupt input fails only its own job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { data } from '@lacuna/core';
import { phantom } from '@lacuna/medsynth';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = fileURLToPath(new URL('../bin/lacuna.js', import.meta.url));
const model = join(root, 'models', 'medsynth-phantom-t1-t2-small');
const env = { ...process.env, LACUNA_QUIET: '1', LACUNA_THREADS: '1' };
const lacuna = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env });

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The Redis URL: LACUNA_TEST_REDIS (.ci/run starts one), else a redis-server of our own. */
async function startRedis(): Promise<{ url: string; stop: () => void }> {
  if (process.env['LACUNA_TEST_REDIS']) return { url: process.env['LACUNA_TEST_REDIS'], stop: () => {} };
  const server = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find(existsSync);
  assert.ok(server, "no redis-server: install Debian's 'redis-server' package (.ci/run does) or set LACUNA_TEST_REDIS");
  const port = await freePort();
  const proc = spawn(server, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() === 'PONG') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `redis://127.0.0.1:${port}`, stop: () => proc.kill('SIGTERM') };
}

/** Four small phantom subjects as BIDS (4 mm), one with a corrupt T1w, one without a T1w. */
async function writeCohort(dir: string): Promise<void> {
  for (let i = 0; i < 4; i++) {
    const s = phantom.generatePhantomSubject(i, { voxel: 4 });
    const anat = join(dir, `sub-0${i + 1}`, 'anat');
    mkdirSync(anat, { recursive: true });
    await data.writeNifti(join(anat, `sub-0${i + 1}_T1w.nii.gz`), s.modalities.t1);
  }
  mkdirSync(join(dir, 'sub-05', 'anat'), { recursive: true });
  writeFileSync(join(dir, 'sub-05', 'anat', 'sub-05_T1w.nii.gz'), 'not a NIfTI file');
  mkdirSync(join(dir, 'sub-06', 'anat'), { recursive: true });
  writeFileSync(join(dir, 'sub-06', 'anat', 'sub-06_T2w.nii.gz'), '');
}

function outputs(out: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else found.push(join(d, e.name).slice(out.length + 1));
    }
  };
  if (existsSync(out)) walk(out);
  return found.sort();
}

function worker(url: string, queue: string): { proc: ChildProcess; lines: string[]; started: Promise<string> } {
  const proc = spawn(process.execPath, [bin, 'worker', '--redis', url, '--queue', queue, '--lock-seconds', '4', '--threads', '1'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let onStart!: (line: string) => void;
  const started = new Promise<string>((r) => (onStart = r));
  const take = (b: Buffer) => {
    for (const line of b.toString().split('\n').filter(Boolean)) {
      lines.push(line);
      if (/: started \(job/.test(line)) onStart(line);
    }
  };
  proc.stdout!.on('data', take);
  proc.stderr!.on('data', take);
  return { proc, lines, started };
}

test('cohort on a Redis queue: two workers, one SIGKILLed mid-job; outputs once each and bit-identical; a corrupt input fails alone', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lacuna-cohort-'));
  const bids = join(dir, 'bids');
  await writeCohort(bids);
  // The single-machine reference (no Redis): same engine and threads as the workers.
  // The corrupt sub-05 fails alone: the others are written, and the exit code says a subject failed.
  const ref = lacuna('medsynth', 'predict', '--bids', bids, '--model', model, '--out', join(dir, 'single'));
  assert.equal(ref.status, 1, ref.stderr);
  assert.match(ref.stderr, /sub-05: .*sub-05_T1w\.nii\.gz/);
  assert.match(ref.stdout, /skipped sub-06: no T1w image/);
  assert.match(ref.stdout, /4 written, 0 already there, 1 failed, 1 skipped/);

  const redis = await startRedis();
  const queue = `lacuna-test-${process.pid}-${Date.now()}`;
  const workers: ChildProcess[] = [];
  try {
    const out = join(dir, 'queued');
    const submit = lacuna('medsynth', 'cohort', 'submit', '--bids', bids, '--model', model, '--out', out, '--redis', redis.url, '--queue', queue);
    assert.equal(submit.status, 0, submit.stderr);
    assert.match(submit.stdout, /submitted 5 subject\(s\)/);
    assert.match(submit.stdout, /skipped sub-06: no T1w image/);
    // Submitting again adds nothing.
    const again = lacuna('medsynth', 'cohort', 'submit', '--bids', bids, '--model', model, '--out', out, '--redis', redis.url, '--queue', queue);
    assert.match(again.stdout, /queue now: 5 waiting/);

    const a = worker(redis.url, queue);
    workers.push(a.proc);
    const line = await a.started;
    a.proc.kill('SIGKILL');
    const killedSubject = line.split(':')[0]!;
    const b = worker(redis.url, queue);
    workers.push(b.proc);
    let status: { done: number; failed: { subject: string; reason: string }[] } = { done: 0, failed: [] };
    for (let i = 0; i < 120; i++) {
      const s = lacuna('medsynth', 'cohort', 'status', '--redis', redis.url, '--queue', queue, '--json');
      status = JSON.parse(s.stdout);
      if (status.done === 4 && status.failed.length === 1) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    assert.equal(status.done, 4, `status ${JSON.stringify(status)}; worker B: ${b.lines.join(' | ')}`);
    assert.deepEqual(status.failed.map((f) => f.subject), ['sub-05']);
    assert.match(status.failed[0]!.reason, /sub-05_T1w\.nii\.gz/);
    // The killed worker's subject was done by B.
    assert.ok(b.lines.some((l) => l.startsWith(`${killedSubject}: wrote`)), `B did ${killedSubject}: ${b.lines.join(' | ')}`);
    b.proc.kill('SIGTERM');
    const files = outputs(out);
    const expected = outputs(join(dir, 'single'));
    assert.deepEqual(files, expected, 'the same files, each once, no temporary leftovers');
    assert.equal(files.filter((f) => f.endsWith('_desc-synth_T2w.nii.gz')).length, 4);
    for (const f of files.filter((f) => f.endsWith('.nii.gz'))) assert.ok(readFileSync(join(out, f)).equals(readFileSync(join(dir, 'single', f))), `${f} differs from the single-process run`);
    const sidecar = JSON.parse(readFileSync(join(out, 'derivatives/lacuna/sub-01/anat/sub-01_desc-synth_T2w.json'), 'utf8'));
    assert.equal(sidecar.model, model);
    assert.equal(sidecar.modelVersion.format, 1);
  } finally {
    for (const w of workers) w.kill('SIGKILL');
    redis.stop();
  }
});


test('cohort commands: an unreachable Redis and a bad URL are clear errors, not a hang', () => {
  const r = lacuna('medsynth', 'cohort', 'status', '--redis', 'redis://127.0.0.1:1');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(.*ECONNREFUSED.*\); is redis-server running there\?/);
  const bad = lacuna('worker', '--redis', 'http://x');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--redis 'http:\/\/x' must start with redis:\/\/ or rediss:\/\//);
});
