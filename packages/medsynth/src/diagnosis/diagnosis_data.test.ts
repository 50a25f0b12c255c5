import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { tf, initBackend, data, ConfigError, ValueError } from '@lacuna/core';
import { headMask } from '../data/head_mask.js';
import { fitIntensityNorm, normalizeIntensity } from '../data/intensity_norm.js';
import { axialStack } from '../data/slice_stack.js';
import { generatePhantomSubject } from '../phantom/phantom.js';
import { planAvailability } from './availability.js';
import { DEFAULT_DIAGNOSIS_CONFIG, parseDiagnosisConfig } from './diagnosis_config.js';
import { hideMissingPet } from './missing_modality_experiment.js';
import { disposeBatch, gatherSlabs, slabChannels } from './slab_batch.js';
import { buildSlabCohort, slabSliceIndices, type SlabCohort } from './slab_cohort.js';

before(async () => {
  await initBackend();
});

const balanced = (n: number) => Array.from({ length: n }, (_, i) => i % 2);

test('planAvailability: stratified split, PET for round(p · n) training subjects per class, none for test subjects', () => {
  const labels = balanced(60); // 30 per class
  for (const p of [0.3, 0.6]) {
    const plan = planAvailability(labels, p, 0.3, 7);
    // Per class: 9 test (round 0.3 · 30), 21 train, PET for round(p · 21) = 6 or 13.
    for (const cls of [0, 1]) {
      assert.equal(plan.test.filter((i) => labels[i] === cls).length, 9);
      assert.equal(plan.train.filter((i) => labels[i] === cls).length, 21);
      assert.equal(plan.complete.filter((i) => labels[i] === cls).length, p === 0.3 ? 6 : 13);
    }
    assert.deepEqual([...plan.train, ...plan.test].sort((a, b) => a - b), [...Array(60).keys()]);
    assert.deepEqual([...plan.complete, ...plan.incomplete].sort((a, b) => a - b), plan.train);
    for (const i of plan.test) assert.equal(plan.hasPet[i], false, `test subject ${i} must lack PET`);
    assert.equal(plan.hasPet.filter(Boolean).length, plan.complete.length);
    for (const i of plan.complete) assert.equal(plan.hasPet[i], true);
  }
  // The split does not depend on p; availability grows with p; seeds matter.
  const a = planAvailability(labels, 0.3, 0.3, 7);
  const b = planAvailability(labels, 0.6, 0.3, 7);
  assert.deepEqual(a.test, b.test);
  assert.deepEqual(planAvailability(labels, 0.3, 0.3, 7), a);
  assert.notDeepEqual(planAvailability(labels, 0.3, 0.3, 8).test, a.test);
  // Small classes still leave one complete and one incomplete training subject per class.
  const tiny = planAvailability(balanced(8), 0.05, 0.3, 1);
  for (const cls of [0, 1]) {
    assert.equal(tiny.complete.filter((i) => i % 2 === cls).length, 1);
    assert.ok(tiny.incomplete.some((i) => i % 2 === cls));
  }
  assert.throws(() => planAvailability(labels, 0, 0.3, 1), /p \(the fraction of training subjects with PET\)/);
  assert.throws(() => planAvailability(labels, 0.5, 1, 1), /testFraction/);
  assert.throws(() => planAvailability([0, 0, 0, 1, 1], 0.5, 0.3, 1), /at least 3 subjects of each class, got 2 with label 1/);
});

/** A hand-made cohort: value of (subject i, slice s, pixel p, channel c) = 1000i + 100s + p + c/10. */
function codedCohort(n: number, s: number, h: number, w: number, cm: number): SlabCohort {
  const mri = new Float32Array(n * s * h * w * cm);
  const pet = new Float32Array(n * s * h * w);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < s; k++) {
      for (let p = 0; p < h * w; p++) {
        for (let c = 0; c < cm; c++) mri[((i * s + k) * h * w + p) * cm + c] = 1000 * i + 100 * k + p + c / 10;
        pet[(i * s + k) * h * w + p] = 1000 * i + 100 * k + p + 0.9;
      }
    }
  }
  return { ids: Array.from({ length: n }, (_, i) => `s${i}`), labels: Uint8Array.from(balanced(n)), slices: s, height: h, width: w, mriChannels: cm, mri, pet, sliceIndices: [] };
}

test('slabChannels: slices become channels, slice-major, PET after the MR channels of each slice', () => {
  const cohort = codedCohort(3, 2, 1, 2, 2);
  const batch = gatherSlabs(cohort, [2, 0]);
  const x = slabChannels(batch.mri, batch.pet, 2); // [2, 1, 2, 2·3]
  assert.deepEqual(x.shape, [2, 1, 2, 6]);
  const v = x.arraySync() as number[][][][];
  // Batch row 0 is subject 2; pixel 1; channel s·3 + c.
  assert.ok(Math.abs(v[0]![0]![1]![0]! - 2001) < 1e-3); // slice 0, MR c0
  assert.ok(Math.abs(v[0]![0]![1]![1]! - 2001.1) < 1e-3); // slice 0, MR c1
  assert.ok(Math.abs(v[0]![0]![1]![2]! - 2001.9) < 1e-3); // slice 0, PET
  assert.ok(Math.abs(v[0]![0]![1]![5]! - 2101.9) < 1e-3); // slice 1, PET
  assert.ok(Math.abs(v[1]![0]![0]![3]! - 100) < 1e-3); // subject 0, slice 1, MR c0, pixel 0
  assert.deepEqual(Array.from(batch.labels.dataSync()), [0, 0]);
  const mriOnly = slabChannels(batch.mri, null, 2);
  assert.deepEqual(mriOnly.shape, [2, 1, 2, 4]);
  assert.throws(() => slabChannels(batch.mri, null, 3), /not a multiple of 3/);
  tf.dispose([x, mriOnly]);
  disposeBatch(batch);
});

test('gatherSlabs augmentation: each subject is mirrored or not, and shifted, identically in MR and PET', () => {
  const [h, w] = [4, 5];
  const cohort = codedCohort(6, 2, h, w, 1);
  const rng = new data.Random(3);
  const flipped = gatherSlabs(cohort, [0, 1, 2, 3, 4, 5], { flip: true, shiftPx: 0 }, rng);
  const m = flipped.mri.dataSync();
  const pt = flipped.pet.dataSync();
  let mirrored = 0;
  for (let j = 0; j < 6; j++) {
    const per = 2 * h * w;
    const at = (k: number, y: number, x: number) => m[j * per + (k * h + y) * w + x]!;
    const orig = (k: number, y: number, x: number) => cohort.mri[j * per + (k * h + y) * w + x]!;
    const isMirror = at(0, 0, 0) === orig(0, 0, w - 1);
    mirrored += isMirror ? 1 : 0;
    for (let k = 0; k < 2; k++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const sx = isMirror ? w - 1 - x : x;
          assert.equal(at(k, y, x), orig(k, y, sx));
          assert.equal(pt[j * per + (k * h + y) * w + x], cohort.pet[j * per + (k * h + y) * w + sx]);
        }
      }
    }
  }
  assert.ok(mirrored > 0 && mirrored < 6, `${mirrored} of 6 mirrored`);
  disposeBatch(flipped);
  // Shifts: out-of-image pixels are −1, the rest are the original moved by (dy, dx), |d| ≤ 1.
  const shifted = gatherSlabs(cohort, [4], { flip: false, shiftPx: 1 }, new data.Random(5));
  const s = shifted.mri.dataSync();
  const base = 4 * 2 * h * w;
  const matches = [-1, 0, 1].flatMap((dy) => [-1, 0, 1].map((dx) => ({ dy, dx }))).filter(({ dy, dx }) => {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const [sy, sx] = [y - dy, x - dx];
        const want = sy < 0 || sy >= h || sx < 0 || sx >= w ? -1 : cohort.mri[base + sy * w + sx]!;
        if (s[y * w + x] !== want) return false;
      }
    }
    return true;
  });
  assert.equal(matches.length, 1);
  disposeBatch(shifted);
});

test('hideMissingPet: the PET of every subject without PET (test ones included) becomes NaN, the rest is untouched', () => {
  const cohort = codedCohort(12, 2, 2, 2, 1);
  const plan = planAvailability(cohort.labels, 0.5, 0.3, 1);
  const hidden = hideMissingPet(cohort, plan);
  const per = 2 * 2 * 2;
  for (let i = 0; i < 12; i++) {
    const slab = hidden.pet.subarray(i * per, (i + 1) * per);
    if (plan.hasPet[i]) assert.deepEqual(slab, cohort.pet.subarray(i * per, (i + 1) * per));
    else assert.ok(slab.every(Number.isNaN), `subject ${i}`);
  }
  for (const i of plan.test) assert.ok(Number.isNaN(hidden.pet[i * per]!));
  assert.equal(hidden.mri, cohort.mri);
});

test('slabSliceIndices: slices stepMm apart around the centre height, by hand', () => {
  // 8 mm grid of 23 slices centred on 0: origin −88 mm. z = 2, 10, 18, 26 mm → (z + 88) / 8 = 11.25 … → 11, 12, 13, 14.
  assert.deepEqual(slabSliceIndices(-88, 8, 23, 4, 8, 14), [11, 12, 13, 14]);
  assert.deepEqual(slabSliceIndices(-88, 8, 23, 3, 16, 0), [9, 11, 13]);
  assert.throws(() => slabSliceIndices(-88, 8, 23, 4, 8, 100), /outside the volume's 0\.\.22/);
});

test('buildSlabCohort: labels from the phantom, slabs equal the normalised phantom slices (padded with −1)', () => {
  const cohort = buildSlabCohort({ subjects: 4, voxel: 8, phantomSeed: 3, mri: ['t1', 't2'], slices: 2, sliceStepMm: 16, slabCentreMm: 14, multiple: 4 });
  const [nx, ny] = [23, 27];
  assert.equal(cohort.height, 28);
  assert.equal(cohort.width, 24);
  assert.equal(cohort.mriChannels, 2);
  assert.deepEqual(cohort.sliceIndices, slabSliceIndices(-88, 8, 23, 2, 16, 14));
  const subject = generatePhantomSubject(3, { seed: 3, voxel: 8 });
  assert.equal(cohort.labels[3], subject.meta.diseased ? 1 : 0);
  assert.equal(cohort.labels[2]! + cohort.labels[3]!, 1); // balanced pairs
  const t2 = subject.modalities.t2;
  const t2Norm = normalizeIntensity(t2.data, fitIntensityNorm('mr', t2.data, headMask(subject.modalities.t1)));
  const pet = subject.modalities.pet;
  const petNorm = normalizeIntensity(pet.data, fitIntensityNorm('pet', pet.data, headMask(pet, { kind: 'pet' })));
  const [h, w] = [28, 24];
  for (const [s, k] of cohort.sliceIndices.entries()) {
    const t2Slice = axialStack([t2Norm], t2.dims, { slices: [k, k] }).data; // [1, ny, nx, 1]
    const petSlice = axialStack([petNorm], pet.dims, { slices: [k, k] }).data;
    for (const [y, x] of [[5, 7], [13, 11], [20, 16]] as const) {
      assert.equal(cohort.mri[((((3 * 2 + s) * h + y) * w + x) * 2) + 1], t2Slice[y * nx + x]);
      assert.equal(cohort.pet[((3 * 2 + s) * h + y) * w + x], petSlice[y * nx + x]);
    }
    assert.equal(cohort.pet[((3 * 2 + s) * h + ny) * w + 3], -1); // padded row
    assert.equal(cohort.mri[(((3 * 2 + s) * h + 2) * w + nx) * 2], -1); // padded column
  }
});

test('diagnosis config: defaults, field-named errors, unknown keys', () => {
  const d = parseDiagnosisConfig({});
  assert.deepEqual(d, DEFAULT_DIAGNOSIS_CONFIG);
  assert.deepEqual(d.ps, [0.3, 0.6]);
  assert.deepEqual(d.seeds, [1, 2, 3]);
  assert.equal(parseDiagnosisConfig({ subjects: 20, taskWeight: 0 }).subjects, 20);
  assert.throws(() => parseDiagnosisConfig({ ps: [0.3, 1.2] }), (e: Error) => e instanceof ConfigError && /ps\.1/.test(e.message));
  assert.throws(() => parseDiagnosisConfig({ mri: ['ct'] }), /mri\.0/);
  assert.throws(() => parseDiagnosisConfig({ steps: 3 }), /steps/);
  assert.throws(() => planAvailability([], 0.5, 0.3, 1), ValueError);
});
