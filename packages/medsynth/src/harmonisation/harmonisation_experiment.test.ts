import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@lacuna/core';
import { HARMONISATION_METHODS, runHarmonisation } from './harmonisation_experiment.js';

test('the harmonisation experiment runs end to end at toy size: five Dice scores in [0, 1] and the recovered shares from them', async () => {
  await initBackend({ threads: 1 });
  const dir = await mkdtemp(join(tmpdir(), 'lacuna-harmonise-'));
  try {
    const r = await runHarmonisation({ dir, subjects: 3, test: 1, voxel: 8, segmenter: { steps: 30, base: 8 }, cyclegan: { steps: 4, ngf: 4, blocks: 1, batch: 2, patch: 16 } });
    for (const m of HARMONISATION_METHODS) assert.ok(r.dice[m].mean >= 0 && r.dice[m].mean <= 1, `${m}: ${r.dice[m].mean}`);
    const { same_site, raw, histogram } = r.dice;
    assert.ok(Math.abs(r.recovered.histogram - (histogram.mean - raw.mean) / (same_site.mean - raw.mean)) < 1e-12);
    assert.ok(Math.abs(r.recovered.synthesis_a_to_b - (r.dice.synthesis_a_to_b.mean - raw.mean) / (same_site.mean - raw.mean)) < 1e-12);
    await assert.rejects(runHarmonisation({ dir, subjects: 2, test: 2 }), /at least one training and one test subject/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
