import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { IOError, ShapeError, data } from '@lacuna/core';
import type { SliceStack } from '../data/slice_stack.js';
import { ForestSynthesisModel, fitForestSynthesis } from './forest_synthesis.js';
import { loadForest, saveForest } from './forest_files.js';

const S = 32;
const dir = await mkdtemp(join(tmpdir(), 'lacuna-forest-'));
after(() => rm(dir, { recursive: true, force: true }));

/**
 * Synthetic paired slices: the source is a sum of random Gaussian blobs; the target is a
 * nonlinear function of the source intensity plus a context term, the mean source over the
 * 7×7 box around the voxel — something no function of the voxel's own intensity can express.
 */
function pairs(n: number, seed: number): { source: SliceStack; target: SliceStack; mask: Uint8Array } {
  const rng = new data.Random(seed);
  const src = new Float32Array(n * S * S);
  const tgt = new Float32Array(n * S * S);
  const mask = new Uint8Array(n * S * S);
  for (let s = 0; s < n; s++) {
    const off = s * S * S;
    for (let b = 0; b < 6; b++) {
      const cy = rng.uniform(0, S);
      const cx = rng.uniform(0, S);
      const amp = rng.uniform(-1, 1);
      const sigma = rng.uniform(2, 6);
      for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) src[off + y * S + x]! += amp * Math.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * sigma * sigma));
    }
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        let box = 0;
        let count = 0;
        for (let yy = Math.max(0, y - 3); yy <= Math.min(S - 1, y + 3); yy++) {
          for (let xx = Math.max(0, x - 3); xx <= Math.min(S - 1, x + 3); xx++) {
            box += src[off + yy * S + xx]!;
            count++;
          }
        }
        const v = src[off + y * S + x]!;
        const inside = (y - 15.5) ** 2 + (x - 15.5) ** 2 < 14 ** 2;
        mask[off + y * S + x] = inside ? 1 : 0;
        tgt[off + y * S + x] = inside ? Math.tanh(2 * v) + 1.5 * (box / count - v) : -1;
      }
    }
  }
  return { source: { data: src, shape: [n, S, S, 1] }, target: { data: tgt, shape: [n, S, S, 1] }, mask };
}

function maskedMse(a: Float32Array, b: Float32Array, mask: Uint8Array): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]) {
      s += (a[i]! - b[i]!) ** 2;
      n++;
    }
  }
  return s / n;
}

/**
 * The global intensity-mapping baseline: the best function of the voxel's own source intensity,
 * estimated as the mean target in each of 32 equal-count intensity bins of the training voxels.
 */
function intensityMapping(source: Float32Array, target: Float32Array, mask: Uint8Array): (v: number) => number {
  const pairs: [number, number][] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) pairs.push([source[i]!, target[i]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  const bins = 32;
  const uppers: number[] = [];
  const means: number[] = [];
  for (let b = 0; b < bins; b++) {
    const chunk = pairs.slice(Math.floor((b * pairs.length) / bins), Math.floor(((b + 1) * pairs.length) / bins));
    uppers.push(chunk[chunk.length - 1]![0]);
    means.push(chunk.reduce((s, p) => s + p[1], 0) / chunk.length);
  }
  return (v) => {
    const b = uppers.findIndex((u) => v <= u);
    return means[b < 0 ? bins - 1 : b]!;
  };
}

const train = pairs(8, 1);
const held = pairs(3, 2);
const options = { trees: 20, maxDepth: 14, minLeaf: 3, seed: 5 };
const model = fitForestSynthesis(train.source, train.target, train.mask, options);
const predicted = model.predict(held.source, held.mask);

test('the forest beats the global intensity mapping on held-out slices (context matters)', () => {
  const map = intensityMapping(train.source.data, train.target.data, train.mask);
  const mapped = held.source.data.map(map);
  const forestMse = maskedMse(predicted.data, held.target.data, held.mask);
  const mappingMse = maskedMse(mapped, held.target.data, held.mask);
  assert.ok(forestMse < 0.5 * mappingMse, `forest ${forestMse.toFixed(5)} vs intensity mapping ${mappingMse.toFixed(5)}`);
});

test('prediction layout: [N, H, W, 1], background outside the mask = mean training target there', () => {
  assert.deepEqual(predicted.shape, [3, S, S, 1]);
  assert.equal(model.background, -1);
  for (let i = 0; i < held.mask.length; i++) if (!held.mask[i]) assert.equal(predicted.data[i], -1);
  assert.equal(model.trainingSamples, train.mask.reduce((s, v) => s + v, 0));
  // Without a mask every voxel is predicted; the masked ones agree with the masked run.
  const all = model.predict(held.source);
  for (let i = 0; i < held.mask.length; i++) if (held.mask[i]) assert.equal(all.data[i], predicted.data[i]);
});

test('same seed, same model; maxSamples subsamples the mask; progress per tree', () => {
  const calls: number[] = [];
  const again = fitForestSynthesis(train.source, train.target, train.mask, { ...options, onProgress: (d, t) => calls.push(d / t) });
  assert.deepEqual(again.predict(held.source, held.mask).data, predicted.data);
  assert.equal(calls.length, 20);
  assert.equal(calls[19], 1);
  const sub = fitForestSynthesis(train.source, train.target, train.mask, { ...options, trees: 2, maxSamples: 500 });
  assert.equal(sub.trainingSamples, 500);
});

test('save/load round trip predicts identically', async () => {
  const path = join(dir, 'forest.json');
  await saveForest(model, path);
  const loaded = await loadForest(path);
  assert.ok(loaded instanceof ForestSynthesisModel);
  assert.deepEqual(loaded.features, model.features);
  assert.deepEqual(loaded.predict(held.source, held.mask).data, predicted.data);
});

test('a truncated, corrupt or missing file gives an IOError naming the path', async () => {
  const good = JSON.stringify(model.toJSON());
  const truncated = join(dir, 'truncated.json');
  await writeFile(truncated, good.slice(0, good.length >> 1));
  await assert.rejects(loadForest(truncated), (e: unknown) => e instanceof IOError && e.path === truncated && e.message.includes(truncated));
  const wrongChannels = join(dir, 'channels.json');
  await writeFile(wrongChannels, JSON.stringify({ ...model.toJSON(), channels: 2 }));
  await assert.rejects(loadForest(wrongChannels), (e: unknown) => e instanceof IOError && e.message.includes(wrongChannels) && /features/.test(e.message));
  const missing = join(dir, 'nope.json');
  await assert.rejects(loadForest(missing), (e: unknown) => e instanceof IOError && e.message.includes(missing));
});

test('shape mismatches are reported with the expected layout', () => {
  assert.throws(() => fitForestSynthesis(train.source, { data: train.target.data, shape: [8, S, S / 2, 2] }), /target must be \[8, 32, 32, 1\]/);
  assert.throws(() => fitForestSynthesis(train.source, train.target, new Uint8Array(5)), /mask has 5 values/);
  const twoChannels = { data: new Float32Array(S * S * 2), shape: [1, S, S, 2] as const };
  assert.throws(() => model.predict(twoChannels), ShapeError);
});

test('several source channels: a target that needs channel 1 is learnt only when it is given', () => {
  // Channel 1 is an independent second "modality"; the target subtracts it.
  const a = pairs(6, 7);
  const b = pairs(6, 8);
  const h = pairs(2, 9);
  const h2 = pairs(2, 10);
  const twoChannel = (s0: SliceStack, s1: SliceStack): SliceStack => {
    const out = new Float32Array(s0.data.length * 2);
    for (let i = 0; i < s0.data.length; i++) {
      out[2 * i] = s0.data[i]!;
      out[2 * i + 1] = s1.data[i]!;
    }
    return { data: out, shape: [s0.shape[0], S, S, 2] };
  };
  const target = (t: SliceStack, s1: SliceStack, mask: Uint8Array): SliceStack => ({ data: t.data.map((v, i) => (mask[i] ? v - s1.data[i]! : v)), shape: t.shape });
  const opts = { trees: 10, maxDepth: 12, minLeaf: 3, seed: 1 };
  const both = fitForestSynthesis(twoChannel(a.source, b.source), target(a.target, b.source, a.mask), a.mask, opts);
  const one = fitForestSynthesis(a.source, target(a.target, b.source, a.mask), a.mask, opts);
  const truth = target(h.target, h2.source, h.mask).data;
  const mseBoth = maskedMse(both.predict(twoChannel(h.source, h2.source), h.mask).data, truth, h.mask);
  const mseOne = maskedMse(one.predict(h.source, h.mask).data, truth, h.mask);
  assert.equal(both.channels, 2);
  assert.ok(mseBoth < 0.2 * mseOne, `two channels ${mseBoth} vs one ${mseOne}`);
});
