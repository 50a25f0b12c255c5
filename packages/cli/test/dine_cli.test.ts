import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/lacuna.js', import.meta.url));
const env = { ...process.env, LACUNA_QUIET: '1', LACUNA_THREADS: '1' };
const lacuna = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env });

test('lacuna dine: train-source, serve on 127.0.0.1, adapt over HTTP (each image queried once, also on --resume), eval', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lacuna-dine-'));
  let server: ReturnType<typeof spawn> | null = null;
  try {
    const missing = lacuna('dine', 'adapt', '--out', join(dir, 'x'));
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /--teacher URL\|FILE\|MODEL_DIR is required/);

    const t = lacuna('dine', 'train-source', '--out', join(dir, 'src'), '--steps', '10');
    assert.equal(t.status, 0, t.stderr);
    assert.match(t.stdout, /best held-out accuracy [\d.]+ %/);
    assert.ok(existsSync(join(dir, 'src', 'model', 'dine-model.json')));

    server = spawn(process.execPath, [bin, 'dine', 'serve', '--model', join(dir, 'src'), '--port', '0'], { env });
    let log = '';
    server.stdout!.on('data', (c) => (log += String(c)));
    server.stderr!.on('data', (c) => (log += String(c)));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${log}`)), 60_000);
      server!.stdout!.on('data', () => {
        const m = /serving .* at (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    // What a client sees: the model folder's name, not its path; a null body is a 400 naming the problem.
    const info = (await (await fetch(`${url}/info`)).json()) as { name: string };
    assert.equal(info.name, 'src');
    const nullBody = await fetch(`${url}/predict`, { method: 'POST', body: 'null' });
    assert.equal(nullBody.status, 400);
    assert.match(((await nullBody.json()) as { error: string }).error, /body must be a JSON object .* got null/);
    // A busy or impossible port is a one-line error, not a stack trace.
    const busy = lacuna('dine', 'serve', '--model', join(dir, 'src'), '--port', new URL(url).port);
    assert.equal(busy.status, 1);
    assert.match(busy.stderr, /^error: serveBlackBox: port \d+ on 127\.0\.0\.1 is in use by another program; choose another port/);
    const big = lacuna('dine', 'serve', '--model', join(dir, 'src'), '--port', '70000');
    assert.equal(big.status, 1);
    assert.match(big.stderr, /--port must be in 0\.\.65535, got 70000/);
    const adapt = (...extra: string[]) => lacuna('dine', 'adapt', '--teacher', url, '--out', join(dir, 'a'), '--method', 'nll-kl', '--arch', 'mlp', '--distill-iters', '3', ...extra);
    const a = adapt();
    assert.equal(a.status, 0, a.stderr);
    assert.match(a.stdout, /no adapt \(black box\) accuracy on demo target test .*: [\d.]+ %/);
    assert.match(a.stdout, /nll-kl accuracy on demo target test .*: [\d.]+ % \(no adapt [\d.]+ %\)/);
    const cache = JSON.parse(readFileSync(join(dir, 'a', 'teacher-cache', 'predictions.json'), 'utf8'));
    assert.equal(Object.keys(cache.predictions).length, 3000 + 1000); // target train + test, once each
    // spawnSync blocked the server's log events: wait (on a loaded machine, a while) until they are in.
    const servedCount = () => (log.match(/\/predict 200 (\d+) images/g) ?? []).reduce((s, l) => s + Number(/(\d+) images/.exec(l)![1]), 0);
    const settle = async (until: number) => {
      const end = Date.now() + 20_000;
      while (servedCount() < until && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 500)); // and a little longer, for any request beyond `until`
    };
    await settle(4000);
    const served = servedCount();
    assert.equal(served, 4000);
    // A finished run resumes to the same end without asking the black box again.
    const r = adapt('--resume');
    assert.equal(r.status, 0, r.stderr);
    await settle(4000);
    const servedAfter = servedCount();
    assert.equal(servedAfter, 4000);

    const e = lacuna('dine', 'eval', '--model', join(dir, 'a'), '--data', 'demo');
    assert.equal(e.status, 0, e.stderr);
    assert.match(e.stdout, /accuracy of .* \(1000 images\): [\d.]+ %/);
  } finally {
    server?.kill('SIGINT');
    rmSync(dir, { recursive: true, force: true });
  }
});
