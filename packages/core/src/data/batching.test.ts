import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueError } from '../errors.js';
import { batchCount, epochBatches } from './batching.js';
import { Random } from './random.js';

const lists = (bs: Int32Array[]): number[][] => bs.map((b) => [...b]);

test('unshuffled batches cover 0..n-1 in order, last batch short unless dropLast', () => {
  assert.deepEqual(lists(epochBatches(7, 3)), [[0, 1, 2], [3, 4, 5], [6]]);
  assert.deepEqual(lists(epochBatches(7, 3, { dropLast: true })), [[0, 1, 2], [3, 4, 5]]);
  assert.deepEqual(lists(epochBatches(6, 3, { dropLast: true })), [[0, 1, 2], [3, 4, 5]]);
  assert.deepEqual(lists(epochBatches(2, 5, { dropLast: true })), []);
  assert.deepEqual(lists(epochBatches(0, 5)), []);
  assert.equal(batchCount(7, 3), 3);
  assert.equal(batchCount(7, 3, true), 2);
  assert.throws(() => epochBatches(5, 0), ValueError);
  assert.throws(() => batchCount(-1, 2), /batchCount: n must be/);
});

test('shuffled batches are a seeded permutation that differs per epoch and replays from state', () => {
  const rng = new Random(11);
  const start = rng.getState();
  const e1 = lists(epochBatches(10, 4, { rng }));
  const e2 = lists(epochBatches(10, 4, { rng }));
  assert.deepEqual(e1.map((b) => b.length), [4, 4, 2]);
  assert.deepEqual(e1.flat().sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => i));
  assert.notDeepEqual(e1, e2);
  const replay = Random.fromState(start);
  assert.deepEqual(lists(epochBatches(10, 4, { rng: replay })), e1);
  assert.deepEqual(lists(epochBatches(10, 4, { rng: replay })), e2);
  // dropLast drops the tail of the same permutation.
  const d = lists(epochBatches(10, 4, { rng: Random.fromState(start), dropLast: true }));
  assert.deepEqual(d, e1.slice(0, 2));
});
