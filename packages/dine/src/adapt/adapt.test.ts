import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { data, initBackend, tf, train } from '@lacuna/core';
import { demoDigits } from '../data/digit_source.js';
import { head, unlabelled, type ImageBatch } from '../data/digit_set.js';
import { modelAccuracy, accuracyOf } from '../model/accuracy.js';
import type { BlackBoxPredictor } from '../black_box/predictor.js';
import { queryTeachers } from './teacher_memory.js';
import { adapt } from './methods.js';
import { distill } from './distill.js';
import { finetune } from './finetune.js';
import { initialMemory } from './teacher_memory.js';
import { digitsNet } from '../model/digits_net.js';
import { predictProbabilities } from '../black_box/model_black_box.js';
import { randomAffineBatch } from '../data/random_affine.js';

await initBackend({ threads: 1 });

/**
 * A black box that is right on a fraction `hit` of the images it is asked about: it answers
 * 0.6 on the true class there and 0.6 on a random wrong class elsewhere (0.4 spread over the
 * rest), fixed per image. It stands in for a source model under domain shift without the
 * seconds a source training takes.
 */
class NoisyOracle implements BlackBoxPredictor {
  readonly name = 'noisy oracle';
  readonly numClasses = 10;
  private readonly byKey = new Map<string, number>();

  constructor(set: { pixels: Uint8Array; labels: Int32Array | null; count: number }, hit: number, seed: number) {
    const rng = new data.Random(seed);
    for (let i = 0; i < set.count; i++) {
      const y = set.labels![i]!;
      const answer = rng.uniform() < hit ? y : (y + rng.int(1, 10)) % 10;
      this.byKey.set(Buffer.from(set.pixels.subarray(i * 784, (i + 1) * 784)).toString('base64'), answer);
    }
  }

  async predict(images: ImageBatch): Promise<Float32Array> {
    const out = new Float32Array(images.count * 10).fill(0.4 / 9);
    for (let i = 0; i < images.count; i++) {
      const c = this.byKey.get(Buffer.from(images.pixels.subarray(i * 784, (i + 1) * 784)).toString('base64'))!;
      out[i * 10 + c] = 0.6;
    }
    return out;
  }
}

test('a short DINE adaptation on the demo shifted MNIST raises target accuracy well above the black box (seed 1)', async () => {
  const targetTrain = head(demoDigits('target', 'train'), 1000);
  const targetTest = head(demoDigits('target', 'test'), 400);
  const all = { pixels: new Uint8Array([...targetTrain.pixels, ...targetTest.pixels]), labels: Int32Array.from([...targetTrain.labels!, ...targetTest.labels!]), count: 1400 };
  const box = new NoisyOracle(all, 0.5, 3);
  const before = accuracyOf((await queryTeachers([box], unlabelled(targetTest)))[0]!, targetTest.labels!, 10);
  assert.ok(Math.abs(before - 0.5) < 0.06, `the black box is right on about half the test images: ${before}`);
  const teacherProbs = await queryTeachers([box], unlabelled(targetTrain));
  const t1 = performance.now();
  const r = await adapt({ method: 'dine', arch: 'mlp', teacherProbs, numClasses: 10, target: unlabelled(targetTrain), seed: 1, distillIterations: 150, finetuneIterations: 0 });
  const after = modelAccuracy(r.model, targetTest);
  console.log(`no adapt ${before}, dine ${after}, adapt ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  assert.ok(after > before + 0.1, `DINE ${after} vs No Adapt ${before}`);
});

test("adapt passes DINE (full)'s consistency weight to stage 2 (it changes the weights; without target augmentation it is refused)", async () => {
  const labelled = head(demoDigits('target', 'train'), 128);
  const target = unlabelled(labelled);
  const teacherProbs = await queryTeachers([new NoisyOracle(labelled, 0.5, 4)], target);
  const run = async (finetuneConsistency: number, targetAugment = true) => {
    const r = await adapt({ method: 'dine-full', arch: 'mlp', teacherProbs, numClasses: 10, target, seed: 1, distillIterations: 4, finetuneIterations: 6, targetAugment, finetuneConsistency });
    return r.model.getWeights().map((w) => Array.from(w.dataSync()));
  };
  const [plain, held] = [await run(0), await run(1)];
  let gap = 0;
  plain.forEach((w, i) => w.forEach((v, j) => void (gap = Math.max(gap, Math.abs(v - held[i]![j]!)))));
  assert.ok(gap > 1e-6, `the consistency term must change stage 2 (max weight difference ${gap})`);
  await assert.rejects(run(1, false), /needs augment/);
});

test('distillation resumed from its last periodic checkpoint ends with the same weights and memory as an uninterrupted run', async () => {
  const labelled = head(demoDigits('target', 'train'), 200);
  const target = unlabelled(labelled);
  const box = new NoisyOracle(labelled, 0.5, 4);
  const teacher = await queryTeachers([box], target);
  const dir = await mkdtemp(join(tmpdir(), 'dine-resume-'));
  try {
    const run = async (resume: boolean, model: ReturnType<typeof digitsNet>, memory: Float32Array) =>
      distill({ student: model, target, memory, iterations: 20, seed: 5, batchSize: 32, checkpointDir: dir, resume });
    const full = digitsNet({ arch: 'mlp', seed: 2 });
    const fullMemory = initialMemory(teacher, 10);
    await run(false, full, fullMemory);
    // "Interrupt": drop the final checkpoint, so the latest is the periodic one at step 18.
    const cks = await train.listCheckpoints(dir);
    assert.deepEqual(cks.map((c) => c.step), [18, 20]);
    await rm(cks[1]!.path, { recursive: true });
    const resumed = digitsNet({ arch: 'mlp', seed: 99 }); // different init: everything must come from the checkpoint
    const resumedMemory = initialMemory(teacher, 10);
    const r = await run(true, resumed, resumedMemory);
    assert.equal(r.completed, 20);
    assert.deepEqual(Array.from(resumedMemory), Array.from(fullMemory));
    const a = full.getWeights().map((w) => w.dataSync());
    const b = resumed.getWeights().map((w) => w.dataSync());
    a.forEach((w, i) => assert.deepEqual(Array.from(b[i]!), Array.from(w), `weight ${i}`));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('fine-tuning stops once the target labels stop changing (lr 0: only batch-norm statistics move)', async () => {
  const target = unlabelled(head(demoDigits('target', 'train'), 128));
  const still = await finetune({ model: digitsNet({ arch: 'mlp', seed: 3 }), target, iterations: 60, seed: 1, lr: 0, checkEvery: 10, tolerance: 0.02 });
  assert.ok(still.stoppedAt !== null && still.stoppedAt % 10 === 0 && still.stoppedAt < 60, `stopped at ${still.stoppedAt}`);
  const moving = await finetune({ model: digitsNet({ arch: 'mlp', seed: 3 }), target, iterations: 8, seed: 1, lr: 0.5, checkEvery: 4, tolerance: 1e-9 });
  assert.equal(moving.stoppedAt, null);
});

test("fine-tuning with the network's initial class prior resumes from a checkpoint to the same weights (the prior comes back from it)", async () => {
  const target = unlabelled(head(demoDigits('target', 'train'), 128));
  const dir = await mkdtemp(join(tmpdir(), 'dine-ft-prior-'));
  try {
    const run = (model: ReturnType<typeof digitsNet>, resume: boolean) =>
      finetune({ model, target, iterations: 12, seed: 1, lr: 0.05, checkEvery: 4, tolerance: 0, prior: 'initial', checkpointDir: dir, resume });
    const full = digitsNet({ arch: 'mlp', seed: 3 });
    await run(full, false);
    const cks = await train.listCheckpoints(dir);
    await rm(cks.at(-1)!.path, { recursive: true });
    // Another network: its own mean prediction differs, so only the checkpoint's prior reproduces the run.
    const resumed = digitsNet({ arch: 'mlp', seed: 77 });
    const r = await run(resumed, true);
    assert.equal(r.completed, 12);
    const a = full.getWeights().map((w) => w.dataSync());
    const b = resumed.getWeights().map((w) => w.dataSync());
    a.forEach((w, i) => assert.deepEqual(Array.from(b[i]!), Array.from(w), `weight ${i}`));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('fine-tuning with the consistency term: warped images read closer to their clean selves than with IM alone; reproducible across a resume', async () => {
  const target = unlabelled(head(demoDigits('target', 'train'), 128));
  const dir = await mkdtemp(join(tmpdir(), 'dine-ft-consistency-'));
  try {
    const run = (model: ReturnType<typeof digitsNet>, consistency: number, resume = false, checkpoint = false) =>
      finetune({ model, target, iterations: 30, seed: 1, lr: 0.2, checkEvery: 10, tolerance: 0, augment: true, consistency, ...(checkpoint ? { checkpointDir: dir, resume } : {}) });
    // Mean KL(p(x) ‖ p(warp(x))) over the images, warps drawn from a seed the training never used.
    const gap = (model: ReturnType<typeof digitsNet>) => {
      const clean = predictProbabilities(model, target);
      const all = Array.from({ length: target.count }, (_, i) => i);
      const warped = tf.tidy(() => tf.softmax(model.apply(randomAffineBatch(target, all, new data.Random(4242)), { training: false }) as tf.Tensor2D).dataSync());
      let kl = 0;
      for (let i = 0; i < clean.length; i++) if (clean[i]! > 0) kl += clean[i]! * Math.log(clean[i]! / Math.max(warped[i]!, 1e-30));
      return kl / target.count;
    };
    const free = digitsNet({ arch: 'mlp', seed: 3 });
    await run(free, 0);
    const held = digitsNet({ arch: 'mlp', seed: 3 });
    await run(held, 5, false, true);
    assert.ok(gap(held) < 0.7 * gap(free), `clean-warped gap with the term ${gap(held)} against IM alone ${gap(free)}`);
    // Resumed from the second-last checkpoint with another network: the same weights.
    const cks = await train.listCheckpoints(dir);
    await rm(cks.at(-1)!.path, { recursive: true });
    const resumed = digitsNet({ arch: 'mlp', seed: 77 });
    assert.equal((await run(resumed, 5, true, true)).completed, 30);
    const a = held.getWeights().map((w) => w.dataSync());
    const b = resumed.getWeights().map((w) => w.dataSync());
    a.forEach((w, i) => assert.deepEqual(Array.from(b[i]!), Array.from(w), `weight ${i}`));
    await assert.rejects(run(digitsNet({ arch: 'mlp', seed: 3 }), -1), /consistency must be a finite number >= 0/);
    await assert.rejects(finetune({ model: digitsNet({ arch: 'mlp', seed: 3 }), target, iterations: 2, seed: 1, consistency: 1 }), /needs augment/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("fine-tuning keeps the initial class prior through the early-stopping checks (same weights as without checks, not the uniform prior's)", async () => {
  const target = unlabelled(head(demoDigits('target', 'train'), 128));
  const run = async (tolerance: number, prior: 'initial' | 'uniform') => {
    const model = digitsNet({ arch: 'mlp', seed: 3 });
    const r = await finetune({ model, target, iterations: 12, seed: 1, lr: 0.05, checkEvery: 4, tolerance, prior });
    return { stoppedAt: r.stoppedAt, weights: model.getWeights().map((w) => Array.from(w.dataSync())) };
  };
  const checked = await run(1e-9, 'initial');
  const unchecked = await run(0, 'initial');
  const uniform = await run(1e-9, 'uniform');
  assert.equal(checked.stoppedAt, null);
  checked.weights.forEach((w, i) => assert.deepEqual(w, unchecked.weights[i], `weight ${i}`));
  let gap = 0;
  checked.weights.forEach((w, i) => w.forEach((v, j) => void (gap = Math.max(gap, Math.abs(v - uniform.weights[i]![j]!)))));
  assert.ok(gap > 1e-6, `the initial prior must change fine-tuning (max weight difference to the uniform prior's ${gap})`);
});

test('augmented distillation (random affine target images) is reproducible across a resume and differs from plain distillation', async () => {
  const labelled = head(demoDigits('target', 'train'), 160);
  const target = unlabelled(labelled);
  const teacher = await queryTeachers([new NoisyOracle(labelled, 0.5, 6)], target);
  const dir = await mkdtemp(join(tmpdir(), 'dine-augment-'));
  try {
    const run = async (augment: boolean, resume: boolean, initSeed: number) => {
      const model = digitsNet({ arch: 'mlp', seed: initSeed });
      const memory = initialMemory(teacher, 10);
      const r = await distill({ student: model, target, memory, iterations: 10, seed: 5, batchSize: 32, augment, ...(augment ? { checkpointDir: dir, resume } : {}) });
      return { r, weights: model.getWeights().map((w) => Array.from(w.dataSync())), memory: Array.from(memory) };
    };
    const full = await run(true, false, 2);
    const cks = await train.listCheckpoints(dir);
    await rm(cks.at(-1)!.path, { recursive: true });
    const resumed = await run(true, true, 99);
    assert.equal(resumed.r.completed, 10);
    assert.deepEqual(resumed.memory, full.memory);
    full.weights.forEach((w, i) => assert.deepEqual(resumed.weights[i], w, `weight ${i}`));
    const plain = await run(false, false, 2);
    const diff = plain.weights[0]!.reduce((s, v, i) => s + Math.abs(v - full.weights[0]![i]!), 0);
    assert.ok(diff > 1e-3, `the warped images change the first layer's weights (|diff| ${diff})`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
