// Hostile input to the command line: each case once gave a wrong result, a stack trace or a
// half-written output folder; now each is a one-line error naming the file or field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { data, initBackend } from '@lacuna/core';
import { digitsNet, saveDigitsNet } from '@lacuna/dine';

const bin = fileURLToPath(new URL('../bin/lacuna.js', import.meta.url));
const env = { ...process.env, LACUNA_QUIET: '1', LACUNA_THREADS: '1' };
const lacuna = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env });
const noStack = (stderr: string) => assert.doesNotMatch(stderr, /\n\s+at /, `a stack trace: ${stderr}`);

await initBackend({ backend: 'cpu' });

test('dine: labels outside the class range and empty sets are errors naming the file and item', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lacuna-bad-dine-'));
  try {
    await saveDigitsNet(join(dir, 'model'), digitsNet({ arch: 'mlp', seed: 1 }), { arch: 'mlp', seed: 1 }, {});
    await data.writeIdx(join(dir, 'x'), { dtype: 'uint8', shape: [3, 28, 28], data: new Uint8Array(3 * 784) });
    await data.writeIdx(join(dir, 'y'), { dtype: 'uint8', shape: [3], data: Uint8Array.from([1, 42, 3]) });
    await data.writeIdx(join(dir, 'none'), { dtype: 'uint8', shape: [0, 28, 28], data: new Uint8Array(0) });
    mkdirSync(join(dir, 'png', '42'), { recursive: true });
    await data.writePng(join(dir, 'png', '42', 'a.png'), { data: new Float32Array(784), shape: [28, 28, 1] });
    const idx = `idx:${join(dir, 'x')}:${join(dir, 'y')}`;
    const cases: [string[], RegExp][] = [
      [['dine', 'eval', '--model', join(dir, 'model'), '--data', idx], /item 1 of '.*x' has label 42; labels must be 0\.\.9 for 10 classes/],
      [['dine', 'eval', '--model', join(dir, 'model'), '--data', `png:${join(dir, 'png')}`], /png\/42\/a\.png \(item 0 of .*\) has label 42/],
      [['dine', 'train-source', '--out', join(dir, 'src'), '--source', idx, '--steps', '1'], /item 1 of '.*x' has label 42/],
      [['dine', 'eval', '--model', join(dir, 'model'), '--data', `idx:${join(dir, 'none')}`], /none holds no images/],
      [['dine', 'train-source', '--out', join(dir, 'src2'), '--source', `idx:${join(dir, 'none')}`, '--steps', '1'], /none holds no images/],
      [['dine', 'eval', '--model', join(dir, 'model'), '--model', join(dir, 'other')], /--model is given more than once/],
      [['dine', 'adapt', '--teacher', join(dir, 'model'), '--out', join(dir, 'adapted'), '--finetune-consistency=-1'], /--finetune-consistency must be a number >= 0, got '-1'/],
      [['dine', 'adapt', '--teacher', join(dir, 'model'), '--out', join(dir, 'adapted'), '--finetune-consistency', 'lots'], /--finetune-consistency must be a number >= 0, got 'lots'/],
      [['dine', 'adapt', '--teacher', join(dir, 'model'), '--out', join(dir, 'adapted'), '--finetune-consistency', '1'], /--finetune-consistency compares clean and warped images; it needs --augment-target/],
    ];
    for (const [args, pattern] of cases) {
      const r = lacuna(...args);
      assert.equal(r.status, 1, `${args.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, pattern);
      noStack(r.stderr);
    }
    assert.ok(!existsSync(join(dir, 'src2', 'model')));
    assert.ok(!existsSync(join(dir, 'adapted')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('medsynth train: out pointing at a file, and a config that fails on its data, create nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lacuna-bad-medsynth-'));
  try {
    writeFileSync(join(dir, 'taken'), 'a file');
    const cfg = (out: string, phantom: string) => {
      const path = join(dir, `${out}.json`);
      writeFileSync(path, JSON.stringify({ data: { phantom, source: ['t1'], target: 't2' }, model: { arch: 'unet', base: 4, depth: 2 }, train: { steps: 1 }, out }));
      return path;
    };
    const file = lacuna('medsynth', 'train', '--config', cfg('taken', 'nowhere'));
    assert.equal(file.status, 1);
    assert.match(file.stderr, /out '.*taken' is a file, not a folder/);
    noStack(file.stderr);
    const missing = lacuna('medsynth', 'train', '--config', cfg('run', 'nowhere'));
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /nowhere/);
    noStack(missing.stderr);
    assert.ok(!existsSync(join(dir, 'run')), 'a run that failed on its data leaves no output folder');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
