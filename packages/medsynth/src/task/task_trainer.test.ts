import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { tf, tfl, initBackend, ConfigError } from '@lacuna/core';
import { invertedPairs } from '../synthesis/toy_pairs.js';
import { SynthesisTrainer, type SynthesisTrainerOptions } from '../synthesis/trainer.js';
import { buildSegmenter } from './segmenter.js';
import { softmaxCrossEntropy } from '../losses/segmentation_loss.js';
import { taskTerm, type TaskTermConfig } from '../losses/task_terms.js';

before(async () => {
  await initBackend();
});

const SMALL_UNET = { arch: 'unet', inChannels: 1, outChannels: 1, base: 4, depth: 2, seed: 1 } as const;
const F_SMALL = { inChannels: 1, classes: 3, base: 4, depth: 2 } as const;

/** Toy pairs (target = 1 − source) with 3 task classes from the target: < 0.3, < 0.6, ≥ 0.6. */
function toyTask(n: number, seed: number) {
  const { source, target } = invertedPairs(n, 32, seed);
  const labels = tf.tidy(() => tf.cast(tf.add(tf.greaterEqual(target, 0.3), tf.greaterEqual(target, 0.6)), 'float32') as tf.Tensor4D); // [n, 32, 32, 1]
  return { source, target, labels };
}

function weightsOf(net: tfl.LayersModel): Float32Array[] {
  return net.getWeights().map((w) => w.dataSync() as Float32Array);
}

function runSteps(trainer: SynthesisTrainer, set: ReturnType<typeof toyTask>, steps: number, batch = 2, onStep?: () => void) {
  const out = [];
  const n = set.source.shape[0];
  for (let s = 0; s < steps; s++) {
    const idx = Array.from({ length: batch }, (_, i) => (s * batch + i) % n);
    const [x, y, t] = [tf.gather(set.source, idx), tf.gather(set.target, idx), tf.gather(set.labels, idx)] as tf.Tensor4D[];
    out.push(trainer.step(x!, y!, undefined, t));
    tf.dispose([x!, y!, t!]);
    onStep?.();
  }
  return out;
}

test('frozen F: the step reports the hand-computed task term, g = l1 + weight × task, and F never changes', () => {
  const set = toyTask(8, 1);
  const f = buildSegmenter({ ...F_SMALL, seed: 2 });
  const term: TaskTermConfig = { kind: 'supervised', weight: 0.5 };
  const trainer = new SynthesisTrainer({ generator: SMALL_UNET, losses: { l1: 1 }, task: { term, net: f } });
  assert.deepEqual(Object.keys(trainer.models()), ['generator']);
  assert.deepEqual(Object.keys(trainer.optimizers()), ['generator']);
  const before = weightsOf(f);
  const [x, y] = [tf.slice(set.source, 0, 2), tf.slice(set.target, 0, 2)];
  const ids = tf.tidy(() => tf.cast(tf.reshape(tf.slice(set.labels, 0, 2), [2, 32, 32]), 'int32')); // int [B, H, W] layout
  const want = tf.tidy(() => taskTerm(term, { fake: trainer.generator.apply(x, { training: true }) as tf.Tensor4D, labels: ids, net: f }).dataSync()[0]!);
  const first = trainer.step(x, y, undefined, ids);
  assert.deepEqual(Object.keys(first.parts).sort(), ['l1', 'task']);
  assert.ok(Math.abs(first.parts['task']! - want) < 1e-5, `${first.parts['task']} vs ${want}`);
  assert.ok(Math.abs(first.g - (first.parts['l1']! + 0.5 * first.parts['task']!)) < 1e-5);
  const g0 = weightsOf(trainer.generator);
  runSteps(trainer, set, 3);
  assert.deepEqual(weightsOf(f), before);
  assert.ok(weightsOf(trainer.generator).some((w, i) => w.some((v, k) => v !== g0[i]![k])), 'G must change');
  trainer.dispose();
  tf.dispose([x, y, ids, set.source, set.target, set.labels]);
  f.dispose();
});

test('joint F: F changes, is checkpointed as "task", and ends with a lower CE on G(X) than the same F kept fixed', () => {
  const set = toyTask(16, 2);
  const f = buildSegmenter({ ...F_SMALL, seed: 4 });
  const fixed = buildSegmenter({ ...F_SMALL, seed: 4 }); // the same initial F, never trained
  const trainer = new SynthesisTrainer({ generator: SMALL_UNET, losses: { l1: 1 }, task: { term: { kind: 'labelFree', weight: 1 }, net: f, joint: { lr: 5e-3 } } });
  assert.deepEqual(Object.keys(trainer.models()), ['generator', 'task']);
  assert.deepEqual(Object.keys(trainer.optimizers()), ['generator', 'task']);
  assert.equal(trainer.models()['task'], f);
  const steps = runSteps(trainer, set, 20, 4);
  assert.deepEqual(Object.keys(steps[0]!.parts).sort(), ['l1', 'task', 'task_f']);
  assert.ok(weightsOf(f).some((w, i) => w.some((v, k) => v !== weightsOf(fixed)[i]![k])), 'joint F must change');
  const ce = (net: tfl.LayersModel) => tf.tidy(() => {
    const fake = trainer.predict(set.source);
    const ids = tf.cast(tf.reshape(set.labels, [16, 32, 32]), 'int32') as tf.Tensor3D;
    return softmaxCrossEntropy(net.apply(fake, { training: false }) as tf.Tensor4D, ids).dataSync()[0]!;
  });
  const [joint, frozen] = [ce(f), ce(fixed)];
  console.log(`# CE of F on G(X): fixed F ${frozen.toFixed(4)}, joint F ${joint.toFixed(4)}; F loss ${steps[0]!.parts['task_f']!.toFixed(3)} → ${steps.at(-1)!.parts['task_f']!.toFixed(3)}`);
  assert.ok(joint < 0.6 * frozen, `CE fixed ${frozen} vs joint ${joint}`);
  assert.ok(steps.at(-1)!.parts['task_f']! < steps[0]!.parts['task_f']!);
  trainer.dispose();
  tf.dispose([set.source, set.target, set.labels]);
  f.dispose();
  fixed.dispose();
});

test('joint task training with a D and the feature term: same seed same numbers, no tensor leak over steps', () => {
  const set = toyTask(8, 3);
  const run = (steps: number, onStep?: () => void) => {
    const f = buildSegmenter({ ...F_SMALL, seed: 5 });
    const options: SynthesisTrainerOptions = {
      generator: SMALL_UNET,
      discriminator: { ndf: 4 },
      losses: { l1: 10, adversarial: { kind: 'lsgan', weight: 1 } },
      task: { term: { kind: 'feature', depth: 'shallow', weight: 2, dice: 1 }, net: f, joint: {} },
    };
    const trainer = new SynthesisTrainer(options);
    const out = runSteps(trainer, set, steps, 2, onStep);
    trainer.dispose();
    f.dispose();
    return out;
  };
  const a = run(3);
  const b = run(3);
  assert.deepEqual(a, b);
  assert.deepEqual(Object.keys(a[0]!.parts).sort(), ['adv', 'd_fake', 'd_real', 'l1', 'task', 'task_f']);
  assert.ok(Object.values(a[0]!.parts).every((v) => Number.isFinite(v) && v > 0));
  const counts: number[] = [];
  run(5, () => counts.push(tf.memory().numTensors));
  assert.deepEqual(new Set(counts.slice(1)), new Set([counts[1]]), `tensor counts ${counts.join(' ')}`);
  tf.dispose([set.source, set.target, set.labels]);
});

test('huThreshold needs no F; task errors name the field', () => {
  const set = toyTask(2, 4);
  const ct = new SynthesisTrainer({ generator: SMALL_UNET, losses: { l1: 1 }, task: { term: { kind: 'huThreshold', weight: 1 } } });
  const ctTarget = tf.tidy(() => tf.sub(tf.mul(set.target, 2), 1) as tf.Tensor4D); // in [−1, 1] like normalised CT
  const r = ct.step(set.source, ctTarget);
  assert.ok(r.parts['task']! > 0 && r.parts['task']! <= 1);
  ct.dispose();
  ctTarget.dispose();
  const f = buildSegmenter({ ...F_SMALL, seed: 6 });
  const err = (task: SynthesisTrainerOptions['task'], option: string) =>
    assert.throws(() => new SynthesisTrainer({ generator: SMALL_UNET, losses: { l1: 1 }, task }), (e: Error) => e instanceof ConfigError && e.option === option);
  err({ term: { kind: 'supervised', weight: 1 } }, 'task.net');
  err({ term: { kind: 'huThreshold', weight: 1 }, joint: {} }, 'task.joint');
  err({ term: { kind: 'feature', weight: -1 }, net: f }, 'task.term.weight');
  const f2 = buildSegmenter({ ...F_SMALL, inChannels: 2, seed: 1 });
  err({ term: { kind: 'labelFree', weight: 1 }, net: f2 }, 'task.net');
  f2.dispose();
  const sup = new SynthesisTrainer({ generator: SMALL_UNET, losses: { l1: 1 }, task: { term: { kind: 'supervised', weight: 1 }, net: f } });
  assert.throws(() => sup.step(set.source, set.target), (e: Error) => e instanceof ConfigError && e.option === 'labels');
  const [bad, small] = [tf.fill([2, 32, 32], 3), tf.zeros([2, 16, 16])];
  assert.throws(() => sup.step(set.source, set.target, undefined, bad), /SynthesisTrainer.step labels: label 3/);
  assert.throws(() => sup.step(set.source, set.target, undefined, small), /do not match the images/);
  sup.dispose();
  f.dispose();
  tf.dispose([bad, small, set.source, set.target, set.labels]);
});
