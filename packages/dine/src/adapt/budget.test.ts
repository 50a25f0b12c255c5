import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { data, initBackend } from '@lacuna/core';
import type { ImageBatch } from '../data/digit_set.js';
import { HttpBlackBox } from '../black_box/http_black_box.js';
import type { BlackBoxPredictor } from '../black_box/predictor.js';
import { serveBlackBox } from '../black_box/serve.js';
import { digitsNet } from '../model/digits_net.js';
import { distill } from './distill.js';
import { queryTeachersWithinBudget } from './teacher_memory.js';

await initBackend({ threads: 1 });

const N = 100;
const rng = new data.Random(4);
const images: ImageBatch = { count: N, height: 28, width: 28, pixels: Uint8Array.from({ length: N * 784 }, () => rng.int(0, 256)) };

test('a query budget is honoured exactly, across a resumed run: cached answers first, then a seeded choice', async () => {
  let served = 0;
  const model: BlackBoxPredictor = { name: 'm', numClasses: 10, predict: async (b) => { served += b.count; return new Float32Array(b.count * 10).fill(0.1); } };
  const server = await serveBlackBox(model);
  const cacheDir = mkdtempSync(join(tmpdir(), 'lacuna-budget-'));
  try {
    // A first run spends 10 queries (then stops, as an interrupted run would).
    const first = await queryTeachersWithinBudget([await HttpBlackBox.connect(server.url, { cacheDir })], images, { maxQueries: 10, seed: 3 });
    assert.equal(served, 10);
    assert.equal(first.answeredCount, 10);
    assert.equal(first.answered.reduce((a, b) => a + b, 0), 10);
    // Resumed with the budget of 30: the 10 paid answers come from the cache, 20 more are asked.
    const resumed = await queryTeachersWithinBudget([await HttpBlackBox.connect(server.url, { cacheDir })], images, { maxQueries: 30, seed: 3 });
    assert.equal(served, 30, 'exactly the budget was spent over both runs');
    assert.equal(resumed.answeredCount, 30);
    assert.equal(resumed.fromCache, 10);
    for (let i = 0; i < N; i++) if (first.answered[i]) assert.equal(resumed.answered[i], 1, `image ${i} answered in the first run is kept`);
    // Once more: nothing left to pay.
    await queryTeachersWithinBudget([await HttpBlackBox.connect(server.url, { cacheDir })], images, { maxQueries: 30, seed: 3 });
    assert.equal(served, 30);
    // Unanswered rows are uniform; a budget of 0 asks nothing.
    assert.ok(Math.abs(resumed.teacherProbs[0]![resumed.answered.indexOf(0) * 10]! - 0.1) < 1e-7);
    const none = await queryTeachersWithinBudget([await HttpBlackBox.connect(server.url)], images, { maxQueries: 0, seed: 3 });
    assert.equal(none.answeredCount, 0);
    assert.equal(served, 30);
  } finally {
    await server.close();
    rmSync(cacheDir, { recursive: true, force: true });
  }
});

test('distillation leaves images without teacher answers out of the KL term', async () => {
  const student = digitsNet({ arch: 'mlp', seed: 1 });
  const memory = new Float32Array(N * 10).fill(0.1);
  const r = await distill({ student, target: images, memory, iterations: 2, seed: 1, batchSize: 16, answered: new Uint8Array(N), mixupWeight: 0, ema: null });
  assert.equal(r.losses['kl'], 0);
  assert.ok(Number.isFinite(r.losses['im']!));
  student.dispose();
});
