import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generatePhantomSubject, MODALITIES, type PhantomSubject } from './phantom.js';
import { TISSUE_LABEL, type Tissue } from './tissues.js';

// Noise-free, bias-free subjects: pure-tissue voxels must carry exactly their tissue's value.
const CLEAN = { voxel: 2, noise: false, biasAmplitude: 0, lesions: true, seed: 21 } as const;
const clean15 = generatePhantomSubject(0, CLEAN);

/** Values of `image` at voxels whose `tissue` fraction is exactly 1. */
function pureValues(s: PhantomSubject, tissue: Tissue, image: Float32Array): number[] {
  const f = s.fractions[tissue].data;
  const out: number[] = [];
  for (let v = 0; v < f.length; v++) if (f[v] === 1) out.push(image[v]!);
  return out;
}

function assertAllClose(values: number[], expected: number, what: string, rel = 1e-6): void {
  assert.ok(values.length > 0, `${what}: no pure voxels`);
  for (const x of values) assert.ok(Math.abs(x - expected) <= rel * Math.abs(expected) + 1e-9, `${what}: ${x} vs ${expected}`);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

test('pure-tissue MR voxels equal the spin-echo equation with BrainWeb 1.5 T values (hand-computed)', () => {
  const { t1, t2, pd } = clean15.modalities;
  // S = PD (1 − exp(−TR/T1)) exp(−TE/T2); WM T1 500 T2 70 PD 0.77, GM 833/83/0.86, CSF 2569/329/1.
  assertAllClose(pureValues(clean15, 'wm', t1.data), 0.77 * (1 - Math.exp(-500 / 500)) * Math.exp(-15 / 70), 'T1w WM');
  assertAllClose(pureValues(clean15, 'gm', t1.data), 0.86 * (1 - Math.exp(-500 / 833)) * Math.exp(-15 / 83), 'T1w GM');
  assertAllClose(pureValues(clean15, 'csf', t1.data), 1.0 * (1 - Math.exp(-500 / 2569)) * Math.exp(-15 / 329), 'T1w CSF');
  assertAllClose(pureValues(clean15, 'wm', t2.data), 0.77 * (1 - Math.exp(-4000 / 500)) * Math.exp(-100 / 70), 'T2w WM');
  assertAllClose(pureValues(clean15, 'csf', t2.data), 1.0 * (1 - Math.exp(-4000 / 2569)) * Math.exp(-100 / 329), 'T2w CSF');
  assertAllClose(pureValues(clean15, 'gm', pd.data), 0.86 * (1 - Math.exp(-4000 / 833)) * Math.exp(-15 / 83), 'PD GM');
  assertAllClose(pureValues(clean15, 'skull', t1.data), 0, 'T1w skull');
  assertAllClose(pureValues(clean15, 'background', t2.data), 0, 'T2w air');
  // Spot value: 0.77 · (1 − e^−1) · e^(−15/70) = 0.77 · 0.6321206 · 0.8071177 = 0.392851
  assert.ok(Math.abs(pureValues(clean15, 'wm', t1.data)[0]! - 0.392851) < 1e-6);
});

test('FLAIR: inversion recovery with TI nulling CSF; lesions bright on FLAIR and T2w', () => {
  const { flair, t2 } = clean15.modalities;
  const ti = 2569 * Math.log(2 / (1 + Math.exp(-9000 / 2569))); // 1704.5 ms
  assert.ok(Math.abs(clean15.meta.flairTiMs - ti) < 1e-9 && Math.abs(ti - 1704.5) < 0.1, `TI ${clean15.meta.flairTiMs}`);
  const ir = (pdv: number, t1: number, t2v: number) => pdv * Math.abs(1 - 2 * Math.exp(-ti / t1) + Math.exp(-9000 / t1)) * Math.exp(-120 / t2v);
  assertAllClose(pureValues(clean15, 'wm', flair.data), ir(0.77, 500, 70), 'FLAIR WM');
  assertAllClose(pureValues(clean15, 'gm', flair.data), ir(0.86, 833, 83), 'FLAIR GM');
  const csf = pureValues(clean15, 'csf', flair.data);
  assert.ok(Math.max(...csf) < 1e-6, `CSF is nulled: ${Math.max(...csf)}`);
  // Lesion voxels (label 7) against white matter, on FLAIR and T2w.
  const lab = clean15.labels.data;
  const byLabel = (img: Float32Array, l: number) => mean([...img].filter((_, v) => lab[v] === l));
  assert.ok(byLabel(flair.data, TISSUE_LABEL.lesion) > 1.5 * byLabel(flair.data, TISSUE_LABEL.wm), 'lesions hyperintense on FLAIR');
  assert.ok(byLabel(t2.data, TISSUE_LABEL.lesion) > 1.5 * byLabel(t2.data, TISSUE_LABEL.wm), 'lesions hyperintense on T2w');
});

test('3 T relaxation times (Wansapura 1999; CSF 4309/1886 ms) give the 3 T signals', () => {
  const s = generatePhantomSubject(0, { ...CLEAN, field: 3, lesions: false });
  assertAllClose(pureValues(s, 'wm', s.modalities.t1.data), 0.77 * (1 - Math.exp(-500 / 832)) * Math.exp(-15 / 80), 'T1w WM 3 T');
  assertAllClose(pureValues(s, 'gm', s.modalities.t2.data), 0.86 * (1 - Math.exp(-4000 / 1331)) * Math.exp(-100 / 110), 'T2w GM 3 T');
  const ti = 4309 * Math.log(2 / (1 + Math.exp(-9000 / 4309)));
  assert.ok(Math.abs(s.meta.flairTiMs - ti) < 1e-9 && s.meta.flairTiMs > 2400 && s.meta.flairTiMs < 2600);
  // The anatomy does not depend on the field.
  assert.deepEqual(s.fractions.gm.data, generatePhantomSubject(0, { ...CLEAN, lesions: false }).fractions.gm.data);
});

test('contrast orders with noise and bias: T1w WM > GM > CSF, T2w CSF > GM > WM, FLAIR CSF dark, CT bone > soft > fat > air', () => {
  const s = generatePhantomSubject(1, { voxel: 2, seed: 21 });
  // Means over nearly pure voxels (fraction ≥ 0.9): at 2 mm the thin head layers' labelled
  // voxels are dominated by their neighbours' partial volume.
  const pure = new Map<Tissue, number[]>();
  const m = (name: (typeof MODALITIES)[number], t: Tissue) => {
    if (!pure.has(t)) {
      const f = s.fractions[t].data;
      const idx: number[] = [];
      for (let v = 0; v < f.length; v++) if (f[v]! >= 0.9) idx.push(v);
      pure.set(t, idx);
    }
    const img = s.modalities[name].data;
    return mean(pure.get(t)!.map((v) => img[v]!));
  };
  assert.ok(m('t1', 'wm') > m('t1', 'gm') && m('t1', 'gm') > m('t1', 'csf'), 'T1w');
  assert.ok(m('t1', 'fat') > m('t1', 'wm'), 'T1w fat bright');
  assert.ok(m('t2', 'csf') > m('t2', 'gm') && m('t2', 'gm') > m('t2', 'wm'), 'T2w');
  assert.ok(m('flair', 'csf') < 0.5 * m('flair', 'wm'), 'FLAIR CSF dark');
  assert.ok(m('ct', 'skull') > m('ct', 'scalp') && m('ct', 'scalp') > m('ct', 'fat') && m('ct', 'fat') > m('ct', 'background'), 'CT');
  assert.ok(m('ct', 'gm') > m('ct', 'wm') && m('ct', 'wm') > m('ct', 'csf'), 'CT brain');
  // PET at 5.5 mm FWHM: partial volume pulls GM down and the thin CSF spaces up.
  assert.ok(m('pet', 'gm') > 1.5 * m('pet', 'wm') && m('pet', 'wm') > m('pet', 'csf') && m('pet', 'background') < 0.05, 'PET');
});

test('CT: pure voxels carry their Hounsfield numbers; every value is a whole number', () => {
  const ct = clean15.modalities.ct.data;
  const hu: [Tissue, number][] = [['background', -1000], ['csf', 8], ['gm', 40], ['wm', 28], ['scalp', 40], ['skull', 1000]];
  for (const [t, value] of hu) assertAllClose(pureValues(clean15, t, ct), value, `CT ${t}`, 0);
  const noisy = generatePhantomSubject(0, { ...CLEAN, noise: true }).modalities.ct.data;
  assert.ok(noisy.every((x) => Number.isInteger(x) && x >= -32768 && x <= 32767));
});

test('PET without blur: pure GM = 3.5 × WM, lowered by 1 − h·region in diseased subjects', () => {
  for (const index of [0, 1]) {
    const s = generatePhantomSubject(index, { ...CLEAN, lesions: false, petFwhmMm: 0 });
    const pet = s.modalities.pet.data;
    const region = s.region.data;
    const h = s.meta.parameters.hypometabolism;
    assert.equal(h > 0, s.meta.diseased);
    assertAllClose(pureValues(s, 'wm', pet), 1, 'PET WM');
    const gm = s.fractions.gm.data;
    let checked = 0;
    for (let v = 0; v < gm.length; v++) {
      if (gm[v] !== 1) continue;
      const expected = 3.5 * (1 - h * region[v]!);
      assert.ok(Math.abs(pet[v]! - expected) < 1e-5, `voxel ${v}: ${pet[v]} vs ${expected}`);
      checked++;
    }
    assert.ok(checked > 100);
  }
});

test('diseased subjects have lower regional grey-matter PET than healthy ones (blurred, noisy)', () => {
  const ratio = (s: PhantomSubject) => {
    const lab = s.labels.data;
    const pet = s.modalities.pet.data;
    const region = s.region.data;
    let inS = 0, inN = 0, outS = 0, outN = 0;
    for (let v = 0; v < lab.length; v++) {
      if (lab[v] !== TISSUE_LABEL.gm) continue;
      if (region[v]! > 0.5) (inS += pet[v]!), inN++;
      else if (region[v]! < 0.05) (outS += pet[v]!), outN++;
    }
    return inS / inN / (outS / outN);
  };
  const subjects = [0, 1, 2, 3].map((i) => generatePhantomSubject(i, { voxel: 4, seed: 2 }));
  const sick = subjects.filter((s) => s.meta.diseased).map(ratio);
  const well = subjects.filter((s) => !s.meta.diseased).map(ratio);
  assert.equal(sick.length, 2);
  assert.ok(Math.max(...sick) < Math.min(...well) - 0.05, `regional/remote GM PET: diseased ${sick.map((x) => x.toFixed(3))}, healthy ${well.map((x) => x.toFixed(3))}`);
});
