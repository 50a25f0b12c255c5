import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildAnatomy, labelsFromFractions } from './anatomy.js';
import { phantomGrid } from './grid.js';
import { addLesions } from './lesions.js';
import { generatePhantomSubject } from './phantom.js';
import { drawSubjectParams, isDiseased } from './subject_params.js';
import { TISSUES, type Tissue } from './tissues.js';

const GRID4 = phantomGrid(4);
const VOXEL_ML4 = 0.064;

function volumeMl(f: Float32Array, voxelMl = VOXEL_ML4): number {
  let s = 0;
  for (let v = 0; v < f.length; v++) s += f[v]!;
  return s * voxelMl;
}

test('grid: BrainWeb field of view, centred RAS affine', () => {
  assert.deepEqual(GRID4.dims, [45, 54, 45]);
  // centre of voxel 0 at −(n − 1)·h/2: −(44·4)/2 = −88, −(53·4)/2 = −106.
  assert.deepEqual(GRID4.affine, [4, 0, 0, -88, 0, 4, 0, -106, 0, 0, 4, -88, 0, 0, 0, 1]);
  assert.deepEqual(phantomGrid(2).dims, [90, 108, 90]);
  assert.throws(() => phantomGrid(0), /voxel size must be a positive number/);
});

test('fractions are in [0, 1], sum to 1 in every voxel, and labels are their argmax', () => {
  const fr = buildAnatomy(drawSubjectParams(7, 3), GRID4).fractions;
  addLesions(fr, GRID4, 7, 3);
  const labels = labelsFromFractions(fr);
  const n = fr.background.length;
  let worst = 0;
  for (let v = 0; v < n; v++) {
    let sum = 0;
    for (const t of TISSUES) {
      const f = fr[t][v]!;
      assert.ok(f >= -1e-6 && f <= 1 + 1e-6, `${t} fraction ${f} at voxel ${v}`);
      sum += f;
    }
    worst = Math.max(worst, Math.abs(sum - 1));
    const own = fr[TISSUES[labels[v]!]!][v]!;
    for (const t of TISSUES) assert.ok(fr[t][v]! <= own, `label ${labels[v]} at voxel ${v} is not the argmax (${t} ${fr[t][v]} > ${own})`);
  }
  assert.ok(worst < 1e-5, `max |Σ fractions − 1| = ${worst}`);
  // Every class appears as a label.
  for (let l = 0; l < TISSUES.length; l++) assert.ok(labels.includes(l), `label ${l} (${TISSUES[l]}) missing`);
});

test('the head stays inside the field of view and volumes are brain-like for many subjects', () => {
  const [nx, ny, nz] = GRID4.dims;
  for (let i = 0; i < 8; i++) {
    const fr = buildAnatomy(drawSubjectParams(123, i), GRID4).fractions;
    // No head tissue on the six faces of the grid.
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let x = 0; x < nx; x++) {
          if (k > 0 && k < nz - 1 && j > 0 && j < ny - 1 && x > 0 && x < nx - 1) continue;
          assert.equal(fr.background[x + nx * (j + ny * k)], 1, `subject ${i}: head touches the border at (${x}, ${j}, ${k})`);
        }
    const icv = volumeMl(fr.csf) + volumeMl(fr.gm) + volumeMl(fr.wm);
    const gmWm = volumeMl(fr.gm) / volumeMl(fr.wm);
    assert.ok(icv > 850 && icv < 1500, `subject ${i}: intracranial volume ${icv.toFixed(0)} mL`);
    assert.ok(gmWm > 0.7 && gmWm < 1.6, `subject ${i}: GM/WM volume ratio ${gmWm.toFixed(2)}`);
  }
});

test('atrophy widens CSF spaces and thins grey matter; the ventricle scale enlarges the ventricles', () => {
  const p = drawSubjectParams(5, 0);
  const young = buildAnatomy({ ...p, atrophy: 0 }, GRID4).fractions;
  const old = buildAnatomy({ ...p, atrophy: 1 }, GRID4).fractions;
  assert.ok(volumeMl(old.csf) > 1.3 * volumeMl(young.csf), `CSF ${volumeMl(young.csf).toFixed(0)} → ${volumeMl(old.csf).toFixed(0)} mL`);
  assert.ok(volumeMl(old.gm) < 0.9 * volumeMl(young.gm), `GM ${volumeMl(young.gm).toFixed(0)} → ${volumeMl(old.gm).toFixed(0)} mL`);
  // The skull does not move: atrophy happens inside it.
  assert.ok(Math.abs(volumeMl(old.skull) - volumeMl(young.skull)) < 1e-6);
  const small = buildAnatomy({ ...p, atrophy: 0, ventricleScale: 0.8 }, GRID4).fractions;
  const big = buildAnatomy({ ...p, atrophy: 0, ventricleScale: 1.6 }, GRID4).fractions;
  const growth = volumeMl(big.csf) - volumeMl(small.csf);
  assert.ok(growth > 10, `ventricles ×2 should add CSF, added ${growth.toFixed(1)} mL`);
});

test('diseased subjects lose more grey matter inside the disease region', () => {
  const p = drawSubjectParams(5, 0);
  const healthy = buildAnatomy({ ...p, regionalAtrophy: 0 }, GRID4);
  const sick = buildAnatomy({ ...p, regionalAtrophy: 1 }, GRID4);
  // GM inside the region (weight > 0.5) or far from it (weight < 0.05).
  const gmIn = (a: typeof healthy, inside: boolean) => {
    let s = 0;
    for (let v = 0; v < a.region.length; v++) if (inside ? a.region[v]! > 0.5 : a.region[v]! < 0.05) s += a.fractions.gm[v]!;
    return s;
  };
  const lossIn = 1 - gmIn(sick, true) / gmIn(healthy, true);
  const lossOut = 1 - gmIn(sick, false) / gmIn(healthy, false);
  assert.ok(lossIn > 0.1, `GM loss inside the region ${lossIn.toFixed(3)}`);
  assert.ok(lossIn > 3 * Math.abs(lossOut), `GM loss inside ${lossIn.toFixed(3)} vs outside ${lossOut.toFixed(3)}`);
});

test('lesions move white matter to the lesion class only, and add up to their reported volumes', () => {
  const p = drawSubjectParams(11, 2);
  const plain = buildAnatomy(p, GRID4).fractions;
  const withLesions = buildAnatomy(p, GRID4).fractions;
  const lesions = addLesions(withLesions, GRID4, 11, 2);
  assert.ok(lesions.length >= 4 && lesions.length <= 12, `${lesions.length} lesions`);
  for (const t of ['background', 'csf', 'gm', 'fat', 'scalp', 'skull'] as Tissue[]) assert.deepEqual(withLesions[t], plain[t], `${t} changed`);
  for (let v = 0; v < plain.wm.length; v++) assert.ok(Math.abs(withLesions.wm[v]! + withLesions.lesion[v]! - plain.wm[v]!) < 1e-6);
  const reported = lesions.reduce((s, l) => s + l.volumeMl, 0);
  assert.ok(Math.abs(volumeMl(withLesions.lesion) - reported) < 1e-4, `${volumeMl(withLesions.lesion)} vs ${reported}`);
  assert.ok(reported > 0);
});

test('disease flags come in balanced pairs and do not depend on the cohort size', () => {
  let evenDiseased = 0;
  for (let p = 0; p < 50; p++) {
    assert.notEqual(isDiseased(9, 2 * p), isDiseased(9, 2 * p + 1));
    if (isDiseased(9, 2 * p)) evenDiseased++;
  }
  assert.ok(evenDiseased > 10 && evenDiseased < 40, `${evenDiseased} of 50 even subjects diseased`);
  const p = drawSubjectParams(9, 0);
  assert.equal(p.diseased, isDiseased(9, 0));
  assert.equal(p.hypometabolism > 0, p.diseased);
  assert.equal(p.regionalAtrophy > 0, p.diseased);
});

test('same seed and index give identical subjects; other subjects and seeds differ in anatomy', () => {
  const opts = { voxel: 4, lesions: true, seed: 3 } as const;
  const a = generatePhantomSubject(1, opts);
  const b = generatePhantomSubject(1, opts);
  for (const t of TISSUES) assert.deepEqual(a.fractions[t].data, b.fractions[t].data);
  for (const m of ['t1', 't2', 'pd', 'flair', 'ct', 'pet'] as const) assert.deepEqual(a.modalities[m].data, b.modalities[m].data, m);
  assert.deepEqual(a.meta, b.meta);
  const differing = (x: Float32Array, y: Float32Array) => {
    let d = 0;
    let head = 0;
    for (let v = 0; v < x.length; v++) {
      if (x[v]! > 0 || y[v]! > 0) head++;
      if (x[v] !== y[v]) d++;
    }
    return d / head;
  };
  const other = generatePhantomSubject(2, opts);
  const otherSeed = generatePhantomSubject(1, { ...opts, seed: 4 });
  assert.ok(differing(a.labels.data, other.labels.data) > 0.1, `labels of subjects 1 and 2 differ in ${differing(a.labels.data, other.labels.data)}`);
  assert.ok(differing(a.labels.data, otherSeed.labels.data) > 0.1);
  assert.notEqual(a.meta.parameters.headScale, other.meta.parameters.headScale);
});
