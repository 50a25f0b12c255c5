import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@lacuna/core';
import { runRegistrationExperiment } from './registration_experiment.js';

test('the registration experiment runs end to end at toy size: every case has a real misalignment and finite errors', async () => {
  await initBackend({ threads: 1 });
  const dir = await mkdtemp(join(tmpdir(), 'lacuna-registration-'));
  try {
    const r = await runRegistrationExperiment({ dir, subjects: 2, test: 1, misalignments: 2, voxel: 8, steps: 10, patch: 16, landmarks: 50 });
    assert.equal(r.cases.length, 2);
    for (const c of r.cases) {
      assert.ok(c.initial_mm > 1, `misalignment ${c.initial_mm} mm`);
      assert.ok(Number.isFinite(c.direct_mi_mm) && Number.isFinite(c.via_synthesis_mm));
    }
    // Mutual information on the PET itself: far better than leaving it misaligned.
    assert.ok(r.direct_mi_mm < r.initial_mm / 2, `direct ${r.direct_mi_mm} vs initial ${r.initial_mm}`);
    assert.ok(Math.abs(r.initial_mm - (r.cases[0]!.initial_mm + r.cases[1]!.initial_mm) / 2) < 1e-12);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
