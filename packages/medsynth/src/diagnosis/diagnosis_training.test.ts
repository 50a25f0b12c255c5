import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { tf, initBackend, data, train } from '@lacuna/core';
import { l1Loss } from '../losses/reconstruction.js';
import { planAvailability } from './availability.js';
import { DIAGNOSIS_METHODS, runDiagnosisExperiments, runMissingModalityExperiment } from './missing_modality_experiment.js';
import { parseDiagnosisConfig } from './diagnosis_config.js';
import { buildCompletionGenerator, completeWithMean, drawJointBatch, jointGeneratorLoss } from './pet_completion.js';
import { disposeBatch, gatherSlabs, slabChannels, type SlabBatch } from './slab_batch.js';
import { buildSlabClassifier, classifierLogits, diagnosisScores, drawSubjects, trainClassifier } from './slab_classifier.js';
import type { SlabCohort } from './slab_cohort.js';

before(async () => {
  await initBackend();
});

/**
 * A toy cohort, 8×8 slices, 2 per subject, one MR channel of noise; diseased subjects (odd
 * index) have a bright 3×3 square in their PET, healthy ones do not.
 */
function toyCohort(n: number, seed: number): SlabCohort {
  const [s, h, w] = [2, 8, 8];
  const rng = new data.Random(seed);
  const mri = Float32Array.from({ length: n * s * h * w }, () => rng.normal(0, 0.3));
  const pet = Float32Array.from({ length: n * s * h * w }, () => rng.normal(-0.5, 0.1));
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 2);
  for (let i = 0; i < n; i++) {
    if (!labels[i]) continue;
    const [y0, x0] = [rng.int(1, 4), rng.int(1, 4)];
    for (let k = 0; k < s; k++) for (let y = y0; y < y0 + 3; y++) for (let x = x0; x < x0 + 3; x++) pet[((i * s + k) * h + y) * w + x] = 0.8;
  }
  return { ids: Array.from({ length: n }, (_, i) => `toy-${i}`), labels, slices: s, height: h, width: w, mriChannels: 1, mri, pet, sliceIndices: [0, 1] };
}

test('the slab classifier learns a separable toy problem: accuracy and AUC 1 on held-out subjects', () => {
  const cohort = toyCohort(24, 1);
  const trainSet = [...Array(16).keys()];
  const testSet = [16, 17, 18, 19, 20, 21, 22, 23];
  const c = buildSlabClassifier({ inChannels: 4, height: 8, width: 8, widths: [8, 8], norm: 'instance', seed: 2 });
  const input = (ids: number[], rng?: data.Random) => {
    const b = gatherSlabs(cohort, ids, { flip: true, shiftPx: 1 }, rng);
    try {
      return { input: slabChannels(b.mri, b.pet, 2), labels: tf.clone(b.labels) };
    } finally {
      disposeBatch(b);
    }
  };
  const evaluate = () => {
    const { input: x, labels } = input(testSet);
    try {
      return diagnosisScores(classifierLogits(c, x), testSet.map((i) => cohort.labels[i]!));
    } finally {
      tf.dispose([x, labels]);
    }
  };
  const before = evaluate();
  const loss = trainClassifier(c, { steps: 60, lr: 1e-2, seed: 3 }, (rng) => input(drawSubjects(trainSet, 8, rng), rng));
  const after = evaluate();
  assert.ok(loss < 0.2, `final training loss ${loss}`);
  assert.deepEqual(after, { acc: 1, auc: 1 }, `before training: ${JSON.stringify(before)}`);
  c.dispose();
});

/** Gradients of the joint G loss w.r.t. G's weights, as one flat array. */
function generatorGradient(g: ReturnType<typeof buildCompletionGenerator>, c: ReturnType<typeof buildSlabClassifier>, batch: SlabBatch, withPet: number, taskWeight: number): Float32Array {
  const vars = train.trainableVariables(g);
  const { value, grads } = tf.variableGrads(() => jointGeneratorLoss(g, c, batch, withPet, 2, taskWeight), vars);
  const flat = tf.tidy(() => tf.concat(vars.map((v) => tf.reshape(grads[v.name]!, [-1]))).dataSync() as Float32Array);
  tf.dispose([value, ...Object.values(grads)]);
  return flat;
}

test('joint G step: the classifier term reaches G; with λ = 0 (L1 only) G ignores the labels', () => {
  const cohort = toyCohort(8, 4);
  const g = buildCompletionGenerator({ mriChannels: 1, base: 4, depth: 1, seed: 5 });
  const c = buildSlabClassifier({ inChannels: 4, height: 8, width: 8, widths: [4], norm: 'instance', seed: 6 });
  const batch = gatherSlabs(cohort, [1, 2, 3, 4]); // labels 1, 0, 1, 0; the first two "have PET"
  const flippedLabels = tf.sub(1, batch.labels) as tf.Tensor2D;
  const flipped: SlabBatch = { ...batch, labels: flippedLabels };
  const norm = (v: Float32Array) => Math.sqrt(v.reduce((a, x) => a + x * x, 0));
  const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

  // Task term alone (no subject with PET in the L1 part): a nonzero gradient on G's weights.
  const taskOnly = generatorGradient(g, c, batch, 0, 1);
  assert.ok(norm(taskOnly) > 1e-6, `‖∇G‖ = ${norm(taskOnly)}`);
  // λ = 0: G's gradient is the same for the labels and their complement; λ = 1: it is not.
  const l1Only = generatorGradient(g, c, batch, 2, 0);
  assert.ok(norm(l1Only) > 1e-6);
  assert.equal(maxDiff(l1Only, generatorGradient(g, c, flipped, 2, 0)), 0);
  const withTask = generatorGradient(g, c, batch, 2, 1);
  assert.ok(maxDiff(withTask, generatorGradient(g, c, flipped, 2, 1)) > 1e-6);
  // And the λ = 0 loss is exactly L1 over the subjects with PET.
  const loss0 = tf.tidy(() => jointGeneratorLoss(g, c, batch, 2, 2, 0).dataSync()[0]!);
  const l1 = tf.tidy(() => l1Loss(tf.slice(g.apply(batch.mri, { training: true }) as tf.Tensor, 0, 4), tf.slice(batch.pet, 0, 4)).dataSync()[0]!);
  assert.ok(Math.abs(loss0 - l1) < 1e-6, `${loss0} vs ${l1}`);
  flippedLabels.dispose();
  disposeBatch(batch);
  g.dispose();
  c.dispose();
});

test('drawJointBatch puts subjects with PET first; completeWithMean imputes the mean slab', () => {
  const cohort = toyCohort(12, 7);
  const plan = planAvailability(cohort.labels, 0.5, 0.3, 2);
  const { indices, withPet } = drawJointBatch(plan, 5, new data.Random(1));
  assert.equal(withPet, 3);
  assert.equal(indices.length, 5);
  indices.forEach((i, j) => assert.equal(plan.hasPet[i], j < withPet));
  const per = 2 * 8 * 8;
  const filled = completeWithMean(cohort, [0, 1], [5]);
  for (const v of [0, 17, per - 1]) assert.ok(Math.abs(filled.pet[5 * per + v]! - (cohort.pet[v]! + cohort.pet[per + v]!) / 2) < 1e-6);
  assert.equal(filled.pet[4 * per], cohort.pet[4 * per]);
});

const TINY = {
  subjects: 12,
  voxel: 8,
  slices: 2,
  sliceStepMm: 16,
  classifierWidths: [4, 8],
  classifierSteps: 4,
  batchSize: 4,
  generatorBase: 4,
  generatorDepth: 1,
  generatorSteps: 3,
  jointSteps: 2,
};

test('the experiment: every method, accuracy and AUC in [0, 1], finite despite the hidden (NaN) PET; same seeds, same numbers', () => {
  const events: string[] = [];
  const report = runDiagnosisExperiments(parseDiagnosisConfig({ ...TINY, ps: [0.3, 0.6], seeds: [1, 2] }), (e) => events.push(`${e.p}/${e.seed}/${e.method}`));
  assert.deepEqual(Object.keys(report.results), ['p0.3', 'p0.6']);
  assert.equal(events.length, 2 * 2 * 4);
  assert.ok(report.seconds > 0);
  for (const result of Object.values(report.results)) {
    assert.deepEqual(Object.keys(result), [...DIAGNOSIS_METHODS]);
    for (const m of DIAGNOSIS_METHODS) {
      const stat = result[m];
      for (const v of [stat.acc, stat.auc]) assert.ok(v >= 0 && v <= 1, `${m}: ${v}`);
      assert.ok(Number.isFinite(stat.accStd) && Number.isFinite(stat.aucStd));
      assert.deepEqual(stat.perSeed.map((r) => r.seed), [1, 2]);
      const meanAcc = (stat.perSeed[0]!.acc + stat.perSeed[1]!.acc) / 2;
      assert.ok(Math.abs(stat.acc - meanAcc) < 1e-12);
      assert.ok(Math.abs(stat.accStd - Math.abs(stat.perSeed[0]!.acc - stat.perSeed[1]!.acc) / Math.SQRT2) < 1e-12);
      // 4 test subjects (2 per class): accuracy is a multiple of 1/4.
      for (const r of stat.perSeed) assert.ok(Number.isInteger(r.acc * 4));
      if (m === 'g_l1' || m === 'g_task') assert.ok(Number.isFinite(stat.petMae) && stat.petMae! > 0);
    }
  }
  // MRI-only does not depend on p (same split), so the cached run equals a fresh one.
  assert.deepEqual(report.results['p0.3']!.mri_only, report.results['p0.6']!.mri_only);
  const again = runMissingModalityExperiment({ ...TINY, p: 0.6, seeds: [1, 2] });
  assert.deepEqual(again, report.results['p0.6']);
  assert.throws(() => runMissingModalityExperiment({ ...TINY, p: 1, seeds: [1] }), /p must be in \(0, 1\)/);
  assert.throws(() => runMissingModalityExperiment({ ...TINY, p: 0.5, seeds: [1], classifierSteps: 0 }), /classifierSteps/);
});
