import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { data } from '@lacuna/core';
import { renderDataset, writeDataset } from '@lacuna/epropnp';

const bin = fileURLToPath(new URL('../bin/lacuna.js', import.meta.url));
const lacuna = (...args: string[]) => spawnSync(process.execPath, [bin, 'epropnp', ...args], { encoding: 'utf8', env: { ...process.env, LACUNA_QUIET: '1', LACUNA_THREADS: '1', LACUNA_BACKEND: 'cpu' } });

test('train -> eval -> predict from the command line, with clear errors for bad input', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lacuna-epropnp-cli-'));
  try {
    await writeDataset(join(dir, 'train.lcnp'), renderDataset({ object: 'box', count: 8, seed: 1, cropSize: 16, views: 'upper' }));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ object: 'box', variant: 'C', data: { file: 'train.lcnp' }, model: { width: 4, outputSize: 16 }, train: { steps: 2, batchSize: 2, points: 32 }, mcSamples: 32, out: 'run' }));
    const t = lacuna('train', '--config', join(dir, 'config.json'));
    assert.equal(t.status, 0, t.stderr);
    assert.match(t.stdout, /box, variant C, 2 steps/);
    assert.ok(readFileSync(join(dir, 'run', 'train.jsonl'), 'utf8').trim().split('\n').length >= 2);

    const e = lacuna('eval', '--model', join(dir, 'run', 'model'), '--count', '3', '--json', join(dir, 'scores.json'));
    assert.equal(e.status, 0, e.stderr);
    assert.match(e.stdout, /ADD-S 0\.02d/);
    const scores = JSON.parse(readFileSync(join(dir, 'scores.json'), 'utf8'));
    assert.equal(scores.count, 3);

    const sample = renderDataset({ object: 'box', count: 1, seed: 5, cropSize: 16, views: 'upper' });
    await data.writePng(join(dir, 'crop.png'), { data: Float32Array.from(sample.images, (v) => v / 255), shape: [16, 16, 3] });
    const box = Array.from(sample.boxes).join(',');
    const p = lacuna('predict', '--model', join(dir, 'run', 'model'), '--image', join(dir, 'crop.png'), '--box', box, '--json', join(dir, 'pose.json'));
    if (p.status === 0) {
      assert.match(p.stdout, /t \(m\)/);
      assert.match(p.stdout, /AMIS \(512 samples/);
      assert.equal(JSON.parse(readFileSync(join(dir, 'pose.json'), 'utf8')).pose.length, 7);
    } else {
      // An untrained network may give degenerate correspondences: then the error says so.
      assert.match(p.stderr, /no pose/);
    }
    const bad = lacuna('predict', '--model', join(dir, 'run', 'model'), '--image', join(dir, 'crop.png'), '--box', '1,2');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--box needs 3 comma-separated numbers/);
    // --object that disagrees with the data set's object is an error naming both (it was ignored).
    const vase = lacuna('train', '--config', join(dir, 'config.json'), '--object', 'vase', '--out', join(dir, 'run-vase'));
    assert.equal(vase.status, 1);
    assert.match(vase.stderr, /object 'vase' was asked for, but the data set .*train\.lcnp holds 'box'/);
    const missing = lacuna('eval', '--model', join(dir, 'nowhere'));
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /nowhere.*epropnp\.json: cannot read the model description/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
