import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ConfigError } from '@lacuna/core';
import { generatePhantomSubject, type PhantomOptions } from './phantom.js';
import { mrTissueSignals } from './signal_mr.js';
import { SITE_PROFILES } from './site_profiles.js';
import { TISSUE_LABEL } from './tissues.js';

/** sha256 of every image and the labels of subjects 0 and 1 (6 mm voxels, seed 3). */
function cohortHash(options: PhantomOptions): string {
  const h = createHash('sha256');
  for (const i of [0, 1]) {
    const s = generatePhantomSubject(i, { voxel: 6, seed: 3, ...options });
    for (const m of ['t1', 't2', 'pd', 'flair', 'ct', 'pet'] as const) h.update(new Uint8Array(s.modalities[m].data.buffer));
    h.update(new Uint8Array(s.labels.data.buffer));
  }
  return h.digest('hex');
}

test('the default phantom is bit-identical to the one before scanner profiles existed, and site A is the default', () => {
  // Measured with the code of commit 1873f86 (before site profiles).
  const before = '344549e369260e6981fbb802ed2feec6cfa4695e66d8f5b9381236325f78f2d4';
  assert.equal(cohortHash({}), before);
  assert.equal(cohortHash({ site: 'A' }), before);
  assert.notEqual(cohortHash({ site: 'B' }), before);
});

const mean = (v: Float32Array, where: (i: number) => boolean) => {
  let s = 0, n = 0;
  for (let i = 0; i < v.length; i++) if (where(i)) (s += v[i]!), n++;
  return s / n;
};

test("site B's T1 differs from site A's as its profile states: contrast, gain, noise and resolution", () => {
  const a = generatePhantomSubject(0, { voxel: 4, seed: 5, site: 'A' });
  const b = generatePhantomSubject(0, { voxel: 4, seed: 5, site: 'B' });
  assert.deepEqual(Array.from(b.labels.data), Array.from(a.labels.data), 'the same anatomy');
  const { wm, gm, csf } = TISSUE_LABEL;
  // Pure voxels (>= 95 % one tissue), so partial volume does not blur the contrast.
  const pure = { [wm]: a.fractions.wm.data, [gm]: a.fractions.gm.data, [csf]: a.fractions.csf.data } as Record<number, Float32Array>;
  const inside = (t: number) => (i: number) => pure[t]![i]! >= 0.95;
  // Contrast: white/grey ratio follows each site's sequence and field (bias and noise average out).
  const sigA = mrTissueSignals({ kind: 'spin-echo', tr: 500, te: 15 }, 1.5);
  const pB = SITE_PROFILES.B;
  const sigB = mrTissueSignals(pB.sequences.t1!, pB.field);
  const ratio = (img: Float32Array) => mean(img, inside(wm)) / mean(img, inside(gm));
  assert.ok(Math.abs(ratio(a.modalities.t1.data) - sigA.wm / sigA.gm) < 0.05, `site A WM/GM ${ratio(a.modalities.t1.data)} vs ${sigA.wm / sigA.gm}`);
  assert.ok(Math.abs(ratio(b.modalities.t1.data) - sigB.wm / sigB.gm) < 0.08, `site B WM/GM ${ratio(b.modalities.t1.data)} vs ${sigB.wm / sigB.gm}`);
  assert.ok(sigA.wm / sigA.gm - sigB.wm / sigB.gm > 0.05, `site B's grey/white contrast is weaker (${sigA.wm / sigA.gm} vs ${sigB.wm / sigB.gm})`);
  // Gain: the white matter is about gain × its signal.
  assert.ok(Math.abs(mean(b.modalities.t1.data, inside(wm)) / (pB.mrGain * sigB.wm) - 1) < 0.15);
  // Noise σ: the profile's fraction × gain × the brightest brain tissue.
  assert.ok(Math.abs(b.meta.mrNoiseSigma.t1 - pB.mrNoise * pB.mrGain * Math.max(sigB.csf, sigB.gm, sigB.wm)) < 1e-9);
  assert.ok(Math.abs(a.meta.mrNoiseSigma.t1 - 0.03 * Math.max(sigA.csf, sigA.gm, sigA.wm)) < 1e-9);
  // Resolution: on 2 mm voxels without noise or bias, the 3 mm PSF spreads each tissue step over
  // neighbours, so an edge's largest voxel-to-voxel jump is a smaller share of its contrast.
  const clean = { voxel: 2, seed: 5, noise: false, biasAmplitude: 0, fovMm: [60, 60, 60] as const };
  const sharpness = (site: 'A' | 'B') => {
    const s = generatePhantomSubject(0, { ...clean, site });
    const img = s.modalities.t1.data;
    const [nx] = s.labels.dims;
    let largest = 0;
    for (let i = 0; i + 1 < img.length; i++) if ((i + 1) % nx !== 0) largest = Math.max(largest, Math.abs(img[i + 1]! - img[i]!));
    let lo = Infinity, hi = -Infinity;
    for (const v of img) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    return largest / (hi - lo);
  };
  assert.ok(sharpness('B') < 0.8 * sharpness('A'), `sharpest edge: site B ${sharpness('B')} vs A ${sharpness('A')}`);
  assert.throws(() => generatePhantomSubject(0, { voxel: 8, site: 'C' as 'A' }), (e: Error) => e instanceof ConfigError && /site must be one of A, B, got 'C'/.test(e.message));
});
