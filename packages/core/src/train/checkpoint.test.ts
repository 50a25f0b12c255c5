import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convNormAct } from '../nn/conv_norm_act.js';
import { WeightInit } from '../nn/init.js';
import { upsample } from '../nn/resample.js';
import { SeededDropout } from '../nn/seeded_dropout.js';
import { removeStaleTemps } from './atomic_dir.js';
import { engineMismatch, latestCheckpoint, listCheckpoints, loadCheckpoint, loadModelWeights, saveCheckpoint } from './checkpoint.js';
import { fileIOHandler } from './file_io_handler.js';
import { Optimizer } from './optimizer.js';

await tf.setBackend('cpu');
const tmp = await mkdtemp(join(tmpdir(), 'lacuna-ckpt-'));
after(() => rm(tmp, { recursive: true, force: true }));

function makeModel(seed: number): tfl.LayersModel {
  const init = new WeightInit({ seed });
  const input = tfl.input({ shape: [4, 4, 2] });
  let x = convNormAct(input, { filters: 3, padding: 'reflect', norm: 'instance', init });
  x = new SeededDropout({ rate: 0.5, seed: 3 }).apply(x) as tfl.SymbolicTensor;
  x = upsample(x, { filters: 2, kernelSize: 3, norm: 'batch', act: 'relu', init });
  return tfl.model({ inputs: input, outputs: x });
}

const weightsOf = (m: tfl.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

test('fileIOHandler: model.save → tfl.loadLayersModel round trip on disk, custom layers included', async () => {
  const m = makeModel(1);
  const dir = join(tmp, 'saved-model');
  await m.save(fileIOHandler(dir));
  assert.deepEqual((await readdir(dir)).sort(), ['model.json', 'weights.bin']);
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  assert.deepEqual(json.weightsManifest[0].paths, ['weights.bin']);
  const loaded = await tfl.loadLayersModel(fileIOHandler(dir));
  assert.deepEqual(weightsOf(loaded), weightsOf(m));
  const x = tf.randomNormal([1, 4, 4, 2], 0, 1, 'float32', 1);
  assert.deepEqual(Array.from((loaded.predict(x) as tf.Tensor).dataSync()), Array.from((m.predict(x) as tf.Tensor).dataSync()));
  // Saving again replaces the directory atomically, leaving no temporaries.
  await m.save(fileIOHandler(dir));
  assert.deepEqual((await readdir(tmp)).filter((n) => n.startsWith('.')), []);
});

test('fileIOHandler: truncated weights are an IOError naming the file', async () => {
  const dir = join(tmp, 'truncated');
  await makeModel(2).save(fileIOHandler(dir));
  await truncate(join(dir, 'weights.bin'), 10);
  await assert.rejects(tfl.loadLayersModel(fileIOHandler(dir)), (e: Error) => e.name === 'IOError' && /fileIOHandler\.load: .*truncated/.test(e.message));
});

test('saveCheckpoint/loadCheckpoint restore models (by position), optimisers, RNG and user state', async () => {
  const root = join(tmp, 'run1');
  const a = makeModel(3);
  const opt = new Optimizer({ kind: 'adam', lr: 0.01 });
  const x = tf.randomNormal([2, 4, 4, 2], 0, 1, 'float32', 2);
  for (let i = 0; i < 3; i++) tf.dispose(opt.minimize(() => tf.mean(tf.square(a.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, a));
  const path = await saveCheckpoint(root, { step: 3, models: { gen: a }, optimizers: { opt }, rngState: { words: [1, 2] }, userState: { epoch: 1 } });
  assert.equal(path, join(root, 'step-000000003'));

  const b = makeModel(4); // different init and layer names
  assert.notDeepEqual(weightsOf(b), weightsOf(a));
  const opt2 = new Optimizer({ kind: 'adam', lr: 0.01 });
  const meta = await loadCheckpoint(path, { models: { gen: b }, optimizers: { opt: opt2 } });
  assert.deepEqual(weightsOf(b), weightsOf(a));
  assert.equal(meta.step, 3);
  assert.deepEqual(meta.rngState, { words: [1, 2] });
  assert.deepEqual(meta.userState, { epoch: 1 });
  assert.equal(opt2.step, 3);
  // Both continue identically (dropout counter and Adam slots came along).
  for (let i = 0; i < 2; i++) {
    tf.dispose(opt.minimize(() => tf.mean(tf.square(a.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, a));
    tf.dispose(opt2.minimize(() => tf.mean(tf.square(b.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, b));
  }
  assert.deepEqual(weightsOf(b), weightsOf(a));
});

test('keep K prunes old checkpoints; incomplete ones are ignored; stale temporaries are removed', async () => {
  const root = join(tmp, 'run2');
  const m = makeModel(5);
  for (const step of [5, 10, 15, 20]) await saveCheckpoint(root, { step, models: { m } }, { keep: 2 });
  assert.deepEqual((await listCheckpoints(root)).map((c) => c.step), [15, 20]);
  // A checkpoint directory without meta.json (never renamed into place in practice) does not count.
  await mkdir(join(root, 'step-000000099'));
  // A temporary left by a SIGKILLed writer (pid that does not exist).
  await mkdir(join(root, '.step-000000025.tmp-999999999-abcd'));
  await writeFile(join(root, '.step-000000025.tmp-999999999-abcd', 'partial'), 'x');
  assert.equal(await latestCheckpoint(root), join(root, 'step-000000020'));
  assert.deepEqual(await removeStaleTemps(root), ['.step-000000025.tmp-999999999-abcd']);
});

test('loading into a different architecture is a ShapeError', async () => {
  const root = join(tmp, 'run3');
  const path = await saveCheckpoint(root, { step: 1, models: { m: makeModel(6) } });
  const other = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3] })] });
  await assert.rejects(loadModelWeights(other, join(path, 'models', 'm')), (e: Error) => e.name === 'ShapeError' && /loadModelWeights: model/.test(e.message));
  await assert.rejects(loadCheckpoint(path, { models: { nope: other } }), /loadCheckpoint: .* has no model 'nope'/);
});

test('a checkpoint records the engine and thread count; another engine on resume is named', async () => {
  const { initBackend } = await import('../backend/node.js');
  const info = await initBackend({ backend: 'cpu' });
  assert.equal(info.engine, 'cpu');
  const root = join(tmp, 'engine');
  await saveCheckpoint(root, { step: 3, models: { g: makeModel(5) } });
  const meta = await loadCheckpoint((await latestCheckpoint(root))!, { models: { g: makeModel(6) } });
  assert.equal(meta.engine?.engine, 'cpu');
  assert.equal(meta.engine?.threads, 1);
  assert.equal(engineMismatch(meta), null, 'same engine: bit-exact resume');
  const moved = engineMismatch({ ...meta, engine: { engine: 'native', threads: 2, version: '1.31.1' } });
  assert.match(moved ?? '', /computed on native 1\.31\.1, 2 thread\(s\), this run uses cpu/);
});
