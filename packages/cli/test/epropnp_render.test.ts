import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { data } from '@lacuna/core';
import { readDataset, renderDataset } from '@lacuna/epropnp';

const bin = fileURLToPath(new URL('../bin/lacuna.js', import.meta.url));
const lacuna = (...args: string[]) => spawnSync(process.execPath, [bin, 'epropnp', ...args], { encoding: 'utf8', env: { ...process.env, LACUNA_QUIET: '1', LACUNA_THREADS: '1' } });

test('lacuna epropnp --help lists render; render --help documents its options', () => {
  const list = lacuna('--help');
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /render\s+render a LineMOD-style data set/);
  const r = lacuna('render', '--help');
  assert.equal(r.status, 0, r.stderr);
  for (const flag of ['--object', '--count', '--out', '--seed', '--crop', '--centred', '--views', '--occlusion', '--preview']) assert.match(r.stdout, new RegExp(flag));
  assert.equal(lacuna('bogus').status, 2);
});

test('bad options fail with exit 1 and a message naming the option', () => {
  const cases: [string[], RegExp][] = [
    [['--object', 'cat', '--count', '2', '--out', '/tmp/x'], /--object must be one of bunny, box, vase, got 'cat'/],
    [['--object', 'box', '--out', '/tmp/x'], /--count N is required/],
    [['--object', 'box', '--count', '2'], /--out FILE is required/],
    [['--object', 'box', '--count', '2', '--out', '/tmp/x', '--occlusion', '2'], /--occlusion must be in \[0, 1\], got '2'/],
    [['--object', 'box', '--count', '0', '--out', '/tmp/x'], /--count must be a positive integer/],
    [['--object', 'box', '--count', '1', '--out', '/tmp/x', '--views', 'top'], /--views must be 'sphere' or 'upper', got 'top'/],
  ];
  for (const [args, message] of cases) {
    const r = lacuna('render', ...args);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stdout}`);
    assert.match(r.stderr, message, args.join(' '));
  }
});

test('render writes the data set the library renders, and a preview sheet', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lacuna-cli-epropnp-'));
  const out = join(dir, 'box.bin'), preview = join(dir, 'box.png');
  const r = lacuna('render', '--object', 'box', '--count', '6', '--seed', '4', '--crop', '32', '--out', out, '--preview', preview, '--preview-count', '4');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /wrote 6 32x32 samples of 'box' \(diameter 15\.6 cm, symmetry discrete\)/);
  const ds = await readDataset(out);
  const want = renderDataset({ object: 'box', count: 6, seed: 4, cropSize: 32 });
  assert.deepEqual(ds.images, want.images);
  assert.deepEqual(ds.poses, want.poses);
  assert.deepEqual(ds.object.symmetry, { kind: 'discrete', axis: [0, 0, 1], order: 2 });
  const png = await data.readPng(preview);
  assert.deepEqual(png.shape, [32, 4 * 3 * 32, 3]); // 4 samples in one row of 4
});
