import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, initBackend } from '@lacuna/core';
import { writePhantom } from '../phantom/write_phantom.js';
import { parseTrainConfig } from './train_config.js';
import { trainSynthesis } from './train_synthesis.js';
import { loadTrainingSubjects } from './training_data.js';

let dir: string;
before(async () => {
  await initBackend();
  dir = await mkdtemp(join(tmpdir(), 'lacuna-task-'));
  await writePhantom(join(dir, 'phantom'), { subjects: 4, seed: 2, voxel: 6 });
});

function config(target: string, task: object | undefined, out: string) {
  return parseTrainConfig(
    {
      data: { phantom: 'phantom', source: ['t1'], target, split: { val: 0, test: 1, seed: 0 } },
      model: { arch: 'unet', base: 4, depth: 2, norm: 'batch' },
      loss: { l1: 1 },
      ...(task ? { task } : {}),
      evaluation: { taskDice: target !== 'ct', huClasses: target === 'ct', segmenter: { steps: 30, base: 4, depth: 2 } },
      train: { steps: 4, batchSize: 2, lr: 1e-3 },
      out,
    },
    dir,
  );
}

test('task terms in a training run: supervised (joint F) and huThreshold; the task score is a Dice in [0, 1]', async () => {
  const subjects = await loadTrainingSubjects(config('t2', undefined, 'x'));
  assert.ok(subjects.train[0]!.labels, 'phantom subjects carry their labels');
  const sup = await trainSynthesis(config('t2', { kind: 'supervised', weight: 1, joint: true, segmenter: { steps: 10, base: 4, depth: 2 } }, 'sup'), { progress: 'none', subjects });
  assert.ok(sup.taskDice && sup.taskDice.mean >= 0 && sup.taskDice.mean <= 1, JSON.stringify(sup.taskDice));
  assert.deepEqual(Object.keys(sup.taskDice.perClass), ['extracranial', 'csf', 'gm', 'wm']);
  const ct = await trainSynthesis(config('ct', { kind: 'huThreshold', weight: 1 }, 'ct'), { progress: 'none' });
  assert.ok(Number.isFinite(ct.test!.mae));
  assert.equal(ct.taskDice, undefined);
  assert.ok(ct.huClasses!.accuracy >= 0 && ct.huClasses!.accuracy <= 1);
  assert.deepEqual(Object.keys(ct.huClasses!.perClass), ['air', 'fat', 'soft', 'bone']);
});

test('task config errors name the field', () => {
  assert.throws(() => config('t2', { kind: 'huThreshold' }, 'o'), (e: unknown) => e instanceof ConfigError && /task\.kind 'huThreshold' needs a CT target/.test(e.message));
  assert.throws(() => config('t2', { kind: 'attention' }, 'o'), /task\.kind/);
});
