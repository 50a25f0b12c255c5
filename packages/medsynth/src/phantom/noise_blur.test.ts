import assert from 'node:assert/strict';
import { test } from 'node:test';
import { data } from '@lacuna/core';
import { biasField } from './bias_field.js';
import { FWHM_PER_SIGMA, gaussianBlur, gaussianKernel } from './blur.js';
import { phantomGrid } from './grid.js';
import { addRicianNoise, GaussianSource, poisson } from './noise.js';
import { generatePhantomSubject } from './phantom.js';
import { petImage } from './signal_pet.js';

/** FWHM (mm) along x through the centre of a blurred point source, from the second moment. */
function fwhmFromPoint(img: Float32Array, n: number, spacing: number): number {
  const c = (n - 1) / 2;
  let m0 = 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const w = img[i + n * (c + n * c)]!;
    m0 += w;
    m2 += w * (i - c) ** 2;
  }
  return Math.sqrt(m2 / m0) * spacing * FWHM_PER_SIGMA;
}

test('PET point-spread: a blurred point source has the requested FWHM (within 2 %), mass kept', () => {
  for (const [spacing, fwhm] of [[2, 5.5], [1, 5.5], [2, 8]] as const) {
    const n = 41;
    const grid = { dims: [n, n, n] as const, spacing: [spacing, spacing, spacing] as const, affine: [], origin: [0, 0, 0] as const };
    const point = new Float32Array(n ** 3);
    point[20 + n * (20 + n * 20)] = 1;
    const img = petImage(point, grid, { fwhmMm: fwhm, countsPerMl: 0 }, new data.Random(0));
    const measured = fwhmFromPoint(img, n, spacing);
    assert.ok(Math.abs(measured / fwhm - 1) < 0.02, `spacing ${spacing}: FWHM ${measured.toFixed(3)} vs ${fwhm}`);
    assert.ok(Math.abs(img.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  }
});

test('PET point-spread measured on an edge: 10–90 % rise = 2·1.2816·σ', () => {
  const [nx, ny, nz] = [64, 4, 4];
  const step = new Float32Array(nx * ny * nz).map((_, v) => (v % nx >= 32 ? 1 : 0));
  const img = gaussianBlur(step, [nx, ny, nz], [1, 1, 1], 5.5);
  const profile = Array.from({ length: nx }, (_, i) => img[i + nx * (1 + ny)]!);
  const crossing = (level: number) => {
    const i = profile.findIndex((p) => p >= level);
    return i - 1 + (level - profile[i - 1]!) / (profile[i]! - profile[i - 1]!);
  };
  const sigma = (crossing(0.9) - crossing(0.1)) / (2 * 1.2815516);
  assert.ok(Math.abs((sigma * FWHM_PER_SIGMA) / 5.5 - 1) < 0.05, `edge FWHM ${(sigma * FWHM_PER_SIGMA).toFixed(3)} mm`);
  // Replicated edges: a constant stays constant.
  assert.ok(gaussianBlur(new Float32Array(64).fill(3), [4, 4, 4], [1, 1, 1], 4).every((x) => Math.abs(x - 3) < 1e-6));
  assert.deepEqual([...gaussianKernel(0)], [1]);
});

test('Rician noise: background mean σ√(π/2) and E[M²] = A² + 2σ²', () => {
  const rng = new data.Random(5);
  const zeros = new Float32Array(400_000);
  addRicianNoise(zeros, 2, rng);
  const mean = zeros.reduce((a, b) => a + b, 0) / zeros.length;
  assert.ok(Math.abs(mean / (2 * Math.sqrt(Math.PI / 2)) - 1) < 0.005, `Rayleigh mean ${mean}`);
  const signal = new Float32Array(400_000).fill(10);
  addRicianNoise(signal, 2, rng);
  const m2 = signal.reduce((a, b) => a + b * b, 0) / signal.length;
  assert.ok(Math.abs(m2 / (100 + 8) - 1) < 0.005, `E[M²] ${m2} vs 108`);
  // The Gaussian source itself: mean 0, variance 1.
  const g = new GaussianSource(new data.Random(6)).fill(new Float32Array(200_000), 1);
  const gm = g.reduce((a, b) => a + b, 0) / g.length;
  const gv = g.reduce((a, b) => a + (b - gm) ** 2, 0) / g.length;
  assert.ok(Math.abs(gm) < 0.01 && Math.abs(gv - 1) < 0.01, `N(0,1): mean ${gm}, var ${gv}`);
});

test('phantom MR background follows the Rayleigh mean of the documented σ (3 % of the brightest tissue)', () => {
  const s = generatePhantomSubject(0, { voxel: 2, seed: 8 });
  const bg = s.fractions.background.data;
  // T1w: WM is the brightest brain tissue, 0.77 · (1 − e^−1) · e^(−15/70) = 0.392851.
  const sigma = 0.03 * 0.392851;
  assert.ok(Math.abs(s.meta.mrNoiseSigma.t1 - sigma) < 1e-6);
  for (const m of ['t1', 't2', 'pd', 'flair'] as const) {
    const img = s.modalities[m].data;
    let sum = 0;
    let count = 0;
    for (let v = 0; v < bg.length; v++) if (bg[v] === 1) (sum += img[v]!), count++;
    const expected = s.meta.mrNoiseSigma[m] * Math.sqrt(Math.PI / 2);
    assert.ok(Math.abs(sum / count / expected - 1) < 0.02, `${m}: background mean ${sum / count} vs ${expected}`);
  }
});

test('Poisson sampler: mean and variance λ (Knuth below 10, PTRS above)', () => {
  const rng = new data.Random(3);
  for (const lambda of [0.5, 3, 9.5, 10, 50, 400]) {
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    let zeros = 0;
    for (let i = 0; i < n; i++) {
      const k = poisson(lambda, rng);
      assert.ok(Number.isInteger(k) && k >= 0);
      s += k;
      s2 += k * k;
      if (k === 0) zeros++;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    assert.ok(Math.abs(mean / lambda - 1) < 0.02, `λ ${lambda}: mean ${mean}`);
    assert.ok(Math.abs(variance / lambda - 1) < 0.03, `λ ${lambda}: variance ${variance}`);
    if (lambda === 3) assert.ok(Math.abs(zeros / n - Math.exp(-3)) < 0.003, `P(0) ${zeros / n}`);
  }
  assert.equal(poisson(0, rng), 0);
});

test('CT noise has the requested σ; PET count noise has Poisson variance', () => {
  const opts = { voxel: 4, seed: 4, biasAmplitude: 0 } as const;
  const clean = generatePhantomSubject(0, { ...opts, noise: false });
  const noisy = generatePhantomSubject(0, { ...opts, ctNoiseHu: 8 });
  let d2 = 0;
  const ct0 = clean.modalities.ct.data;
  const ct1 = noisy.modalities.ct.data;
  for (let v = 0; v < ct0.length; v++) d2 += (ct1[v]! - ct0[v]!) ** 2;
  // Both images are rounded: the difference carries about 1/6 HU² of rounding variance.
  const sd = Math.sqrt(d2 / ct0.length - 1 / 6);
  assert.ok(Math.abs(sd / 8 - 1) < 0.04, `CT noise σ ${sd}`);
  // Counts c ~ Poisson(a·k), image c/k: E[(image − a)²] = a / k, k = 8000 counts/mL · 0.064 mL.
  const k = 8000 * 0.064;
  const p0 = clean.modalities.pet.data;
  const p1 = noisy.modalities.pet.data;
  let se = 0;
  let expected = 0;
  for (let v = 0; v < p0.length; v++) {
    se += (p1[v]! - p0[v]!) ** 2;
    expected += p0[v]! / k;
  }
  assert.ok(Math.abs(se / expected - 1) < 0.03, `PET squared error ${se} vs Poisson ${expected}`);
});

test('bias field: smooth, max |field − 1| equals the amplitude, same for every MR image of a subject', () => {
  const grid = phantomGrid(4);
  const field = biasField(grid, 0.2, new data.Random(1));
  let worst = 0;
  let maxStep = 0;
  for (let v = 0; v < field.length; v++) {
    worst = Math.max(worst, Math.abs(field[v]! - 1));
    if (v % grid.dims[0] !== 0) maxStep = Math.max(maxStep, Math.abs(field[v]! - field[v - 1]!));
  }
  assert.ok(Math.abs(worst - 0.2) < 1e-6, `max |b| ${worst}`);
  assert.ok(maxStep < 0.05, `neighbour step ${maxStep}`);
  // Noise-free: T1w with bias / without bias is the same field as for T2w.
  const opts = { voxel: 4, seed: 2, noise: false } as const;
  const withBias = generatePhantomSubject(0, opts);
  const flat = generatePhantomSubject(0, { ...opts, biasAmplitude: 0 });
  let checked = 0;
  for (let v = 0; v < flat.modalities.t1.data.length; v++) {
    const a = flat.modalities.t1.data[v]!;
    const b = flat.modalities.t2.data[v]!;
    if (a < 0.1 || b < 0.1) continue;
    const r1 = withBias.modalities.t1.data[v]! / a;
    const r2 = withBias.modalities.t2.data[v]! / b;
    assert.ok(Math.abs(r1 - r2) < 1e-5 && Math.abs(r1 - 1) <= 0.2 + 1e-6);
    checked++;
  }
  assert.ok(checked > 1000);
});
