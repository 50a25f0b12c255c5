import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random } from '../data/random.js';
import { WeightInit } from '../nn/init.js';
import { smallCnn } from '../nn/small_cnn.js';
import { listCheckpoints } from './checkpoint.js';
import { JsonlLog } from './jsonl_log.js';
import { runTraining } from './node.js';
import { Optimizer } from './optimizer.js';
import { Progress, formatDuration } from './progress.js';
import { cosineLr } from './schedules.js';

await tf.setBackend('cpu');
const tmp = await mkdtemp(join(tmpdir(), 'lacuna-loop-'));
after(() => rm(tmp, { recursive: true, force: true }));

/** Two-class toy problem: is the mean of an 8×8 image positive? */
function toyProblem(seed: number) {
  const r = new Random(seed);
  const n = 64;
  const xs = tf.tensor4d(Array.from({ length: n * 64 }, () => r.normal()), [n, 8, 8, 1]);
  const ys = tf.tidy(() => tf.oneHot(tf.cast(tf.greater(tf.mean(xs, [1, 2, 3]), 0), 'int32'), 2));
  const model = smallCnn({ inputShape: [8, 8, 1], numClasses: 2, widths: [4, 8], convsPerStage: 1, norm: 'batch', init: new WeightInit({ seed }) });
  const loss = (idx: number[]) => () =>
    tf.tidy(() => tf.mean(tf.losses.softmaxCrossEntropy(tf.gather(ys, idx), model.apply(tf.gather(xs, idx), { training: true }) as tf.Tensor)) as tf.Scalar);
  return { model, loss, n };
}

test('a short run lowers the loss; the JSONL log has one line per step with lr', async () => {
  const { model, loss, n } = toyProblem(1);
  const opt = new Optimizer({ kind: 'adam', lr: cosineLr({ lr: 0.02, totalSteps: 60 }) });
  const rng = new Random(3);
  const logFile = join(tmp, 'lower', 'log.jsonl');
  const seen: number[] = [];
  const res = await runTraining({
    steps: 60,
    rng,
    optimizers: { opt },
    logFile,
    progress: 'none',
    step: (ctx) => ({ loss: opt.minimize(loss(Array.from({ length: 16 }, () => ctx.rng.int(0, n))), model) }),
    onStep: (_s, l) => void seen.push(l['loss']!),
  });
  assert.equal(res.completed, 60);
  assert.equal(res.interrupted, false);
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const first = mean(seen.slice(0, 5)), last = mean(seen.slice(-5));
  assert.ok(last < 0.6 * first, `loss ${first.toFixed(3)} → ${last.toFixed(3)}`);
  const lines = new JsonlLog(logFile).read();
  assert.equal(lines.length, 60);
  assert.deepEqual(lines.map((l) => l['step']), Array.from({ length: 60 }, (_, i) => i + 1));
  assert.equal(lines[0]!['lr/opt'], 0.02);
  assert.equal(lines[5]!['loss'], seen[5]);
});

test('tf.memory().numTensors stays flat across steps and checkpoints (no leaks)', async () => {
  const { model, loss, n } = toyProblem(2);
  const opt = new Optimizer({ kind: 'sgd', lr: 0.05, momentum: 0.9, clipNorm: 1, weightDecay: 1e-4 });
  const rng = new Random(4);
  const counts: number[] = [];
  await runTraining({
    steps: 30,
    rng,
    models: { model },
    optimizers: { opt },
    checkpoint: { dir: join(tmp, 'leak'), every: 5 },
    progress: 'none',
    step: (ctx) => ({ loss: opt.minimize(loss(Array.from({ length: 8 }, () => ctx.rng.int(0, n))), model), seven: 7 }),
    onStep: () => void counts.push(tf.memory().numTensors),
  });
  // After step 1 (which creates the optimiser's slot variables) the count never moves.
  assert.deepEqual(new Set(counts.slice(1)), new Set([counts[1]]), `counts: ${counts.join(' ')}`);
});

test('a signal (in-process SIGINT) writes a checkpoint at the current step; exitOnSignal false returns interrupted', async () => {
  const { model, loss, n } = toyProblem(5);
  const opt = new Optimizer({ kind: 'adam', lr: 1e-3 });
  const rng = new Random(6);
  const dir = join(tmp, 'sigint');
  const res = await runTraining({
    steps: 100,
    rng,
    models: { model },
    optimizers: { opt },
    checkpoint: { dir, every: 50 },
    exitOnSignal: false,
    progress: 'none',
    step: (ctx) => ({ loss: opt.minimize(loss(Array.from({ length: 4 }, () => ctx.rng.int(0, n))), model) }),
    onStep: (completed) => {
      if (completed === 7) process.emit('SIGINT', 'SIGINT');
    },
  });
  assert.equal(res.interrupted, true);
  assert.equal(res.completed, 7);
  assert.deepEqual((await listCheckpoints(dir)).map((c) => c.step), [7]);
  assert.equal(process.listenerCount('SIGINT'), 0, 'handlers removed');
  // Resuming continues from step 7 with the RNG where it was.
  const rng2 = new Random(999);
  const res2 = await runTraining({ steps: 9, rng: rng2, models: { model }, optimizers: { opt }, checkpoint: { dir }, resume: true, progress: 'none', step: () => ({}) });
  assert.equal(res2.startStep, 7);
  assert.equal(res2.completed, 9);
  assert.deepEqual(rng2.getState(), rng.getState());
});

function fakeStream(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, columns: 100, write: (s: string) => (out.push(s), true) } as unknown as NodeJS.WriteStream };
}

test('Progress: bar on a TTY (\\r, it/s, ETA), periodic lines otherwise, silent with LACUNA_QUIET=1 unless forced', () => {
  const tty = fakeStream(true);
  const bar = new Progress({ total: 10, stream: tty.stream, mode: 'auto', redrawMs: 0, label: 'gan' });
  if (process.env['LACUNA_QUIET'] !== '1') assert.equal(bar.mode, 'bar');
  const forced = new Progress({ total: 10, stream: tty.stream, mode: 'bar', redrawMs: 0, label: 'gan' });
  forced.update(4, { loss_G: 0.5, loss_D: 1.25 });
  forced.log('hello');
  forced.done();
  const text = tty.out.join('');
  assert.match(text, /\rgan  40% \|.*\| 4\/10 loss_G 0\.5000 loss_D 1\.250 · [\d.]+ it\/s · ETA/);
  assert.match(text, /\r\x1b\[Khello\n/);
  assert.ok(text.endsWith('\n'));

  const pipe = fakeStream(false);
  const lines = new Progress({ total: 10, stream: pipe.stream, mode: 'lines', everySteps: 3 });
  for (let s = 1; s <= 10; s++) lines.update(s, { loss: s });
  lines.done();
  assert.deepEqual(pipe.out.map((l) => /step (\d+)\/10/.exec(l)![1]), ['3', '6', '9', '10']);

  const saved = process.env['LACUNA_QUIET'];
  process.env['LACUNA_QUIET'] = '1';
  try {
    const quiet = fakeStream(true);
    const q = new Progress({ total: 5, stream: quiet.stream });
    assert.equal(q.mode, 'none');
    q.update(5, { loss: 1 });
    q.log('x');
    q.done();
    assert.deepEqual(quiet.out, []);
  } finally {
    if (saved === undefined) delete process.env['LACUNA_QUIET'];
    else process.env['LACUNA_QUIET'] = saved;
  }
  assert.equal(formatDuration(3725), '1:02:05');
  assert.equal(formatDuration(65), '1:05');
});

test('runTraining validates its options', async () => {
  await assert.rejects(runTraining({ steps: -1, step: () => ({}) }), /runTraining: steps/);
  await assert.rejects(runTraining({ steps: 1, step: () => ({}), resume: true }), /runTraining: resume: true needs checkpoint.dir/);
  await assert.rejects(runTraining({ steps: 1, step: () => ({}), checkpoint: { dir: tmp, every: 0 } }), /checkpoint.every/);
});

test('a resumed run counts the training time of the runs before it (checkpoint, log and result)', async () => {
  const dir = join(tmp, 'elapsed');
  const busy = (ms: number) => {
    const end = performance.now() + ms;
    while (performance.now() < end);
    return {};
  };
  const first = await runTraining({ steps: 3, checkpoint: { dir, every: 1 }, progress: 'none', step: () => busy(30) });
  assert.ok(first.totalSeconds >= 0.09 && Math.abs(first.totalSeconds - first.seconds) < 1e-9);
  const second = await runTraining({ steps: 5, checkpoint: { dir, every: 1 }, resume: true, logFile: join(tmp, 'elapsed.jsonl'), progress: 'none', step: () => busy(30) });
  assert.equal(second.startStep, 3);
  // This call's 2 steps, plus the 3 steps of the first run recorded in its final checkpoint.
  assert.ok(second.seconds >= 0.06, `this call ${second.seconds}`);
  // The earlier part is the first run's 3 busy steps (at least 0.09 s), read from its checkpoint.
  assert.ok(second.totalSeconds - second.seconds >= 0.09 && second.totalSeconds - second.seconds <= first.totalSeconds, `total ${second.totalSeconds}, first run ${first.totalSeconds}, this call ${second.seconds}`);
  const lines = new JsonlLog(join(tmp, 'elapsed.jsonl')).read();
  assert.ok((lines.at(-1)!['time'] as number) >= 0.15, `the log's time goes on from the first run: ${lines.at(-1)!['time']}`);
});
