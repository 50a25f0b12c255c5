import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { IOError } from '../errors.js';
import { WeightInit } from '../nn/init.js';
import { smallCnn } from '../nn/small_cnn.js';
import { loadModelWeights } from './checkpoint.js';
import { readModelDirMeta, saveModelDir, type ModelDirFormat } from './model_dir.js';

await tf.setBackend('cpu');
const FORMAT: ModelDirFormat = { metaFile: 'thing.json', format: 'lacuna-thing', versions: [2, 1], writtenBy: "'a test'" };
const net = (seed: number) => smallCnn({ inputShape: [8, 8, 1], numClasses: 2, widths: [4], convsPerStage: 1, init: new WeightInit({ seed }) });

test('a model folder round-trips its description and networks, replacing the old folder as a whole', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lacuna-modeldir-'));
  try {
    const out = join(dir, 'model');
    mkdirSync(out);
    writeFileSync(join(out, 'stale.txt'), 'from an earlier run');
    const a = net(1);
    await saveModelDir(out, FORMAT, { meta: { steps: 7 }, networks: { '': a, second: net(2) }, extra: async (tmp) => writeFileSync(join(tmp, 'extra.json'), '{}') });
    assert.deepEqual(readdirSync(out).sort(), ['extra.json', 'model.json', 'second', 'thing.json', 'weights.bin']);
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'thing.json'), 'utf8')), { format: 'lacuna-thing', version: 2, steps: 7 });
    const meta = await readModelDirMeta<{ steps: number }>(out, FORMAT);
    assert.equal(meta.steps, 7);
    const b = net(3);
    await loadModelWeights(b, out);
    assert.deepEqual(b.getWeights()[0]!.dataSync(), a.getWeights()[0]!.dataSync());
    assert.ok(!readdirSync(dir).some((f) => f !== 'model'), 'no temporary folders left');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('missing, foreign and unversioned descriptions are errors naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lacuna-modeldir-'));
  try {
    await assert.rejects(readModelDirMeta(join(dir, 'none'), FORMAT), (e: unknown) => e instanceof IOError && /none\/thing\.json: cannot read the model description \(ENOENT\); is .* a folder written by 'a test'\?/.test((e as Error).message));
    writeFileSync(join(dir, 'thing.json'), JSON.stringify({ format: 'other', version: 1 }));
    await assert.rejects(readModelDirMeta(dir, FORMAT), /thing\.json: not a 'lacuna-thing' model description \(format other, version 1; this version reads 2, 1\)/);
    writeFileSync(join(dir, 'thing.json'), JSON.stringify({ format: 'lacuna-thing' }));
    await assert.rejects(readModelDirMeta(dir, FORMAT), /version undefined/);
    assert.equal((await readModelDirMeta<{ format: string }>(dir, { ...FORMAT, unversionedIsFirst: true })).format, 'lacuna-thing');
    assert.ok(existsSync(join(dir, 'thing.json')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
