import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, ValueError, data } from '@lacuna/core';
import { RegressionForest, binEdges, binFeatures, fitRegressionForest } from './regression_forest.js';

function mse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s / a.length;
}

function randomData(n: number, p: number, seed: number): { x: Float32Array; y: Float32Array } {
  const rng = new data.Random(seed);
  const x = Float32Array.from({ length: n * p }, () => rng.uniform());
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = Math.sin(6 * x[i * p]!) + x[i * p + 1]! * x[i * p + 2]! + 0.1 * rng.normal();
  return { x, y };
}

test('bin edges: midpoints between distinct values, quantiles when there are too many', () => {
  assert.deepEqual([...binEdges(Float32Array.from([1, 1, 2, 4, 4, 4]), 256)], [1.5, 3]);
  assert.deepEqual([...binEdges(Float32Array.from([7, 7, 7]), 256)], []);
  // 8 distinct values, 4 bins: cut after the values at quantiles 2/8, 4/8, 6/8.
  assert.deepEqual([...binEdges(Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]), 4)], [1.5, 3.5, 5.5]);
  const { codes, edges } = binFeatures(Float32Array.from([3, 10, 1, 20, 2, 10]), 3, 2, 256);
  assert.deepEqual([...edges[0]!], [1.5, 2.5]);
  assert.deepEqual([...codes], [2, 0, 1, 0, 1, 0]); // column-major: feature 0 then feature 1
});

test('a piecewise-constant 1-D target is fitted exactly', () => {
  const x = Float32Array.from({ length: 200 }, (_, i) => i);
  const step = (v: number): number => (v < 50 ? 0 : v < 120 ? 3 : v < 170 ? -1 : 7.25);
  const y = x.map(step);
  for (const trees of [1, 5]) {
    const forest = fitRegressionForest(x, y, 1, { trees, bootstrap: false, minLeaf: 1, maxDepth: 10 });
    assert.deepEqual([...forest.predict(x)], [...y]);
    // Between training points the cut lies at the midpoint.
    assert.deepEqual([...forest.predict(Float32Array.from([49.4, 49.6, 119.4, 119.6, -5, 500]))], [0, 3, 3, -1, 0, 7.25]);
  }
});

test('linear target: error falls with depth exactly as the closed form (m² − 1)/12', () => {
  // y = x on 0..255. Variance-reduction splits of evenly spaced points cut at the middle, so at
  // depth d every leaf holds m = 256/2^d consecutive integers, whose variance is (m² − 1)/12.
  const x = Float32Array.from({ length: 256 }, (_, i) => i);
  let previous = Infinity;
  for (let d = 0; d <= 6; d++) {
    const forest = fitRegressionForest(x, x, 1, { trees: 1, bootstrap: false, minLeaf: 1, maxDepth: d });
    const m = 256 / 2 ** d;
    const err = mse(forest.predict(x), x);
    assert.ok(Math.abs(err - (m * m - 1) / 12) < 1e-9, `depth ${d}: ${err} vs ${(m * m - 1) / 12}`);
    assert.ok(err < previous);
    previous = err;
  }
});

test('one tree without bootstrap predicts the mean target of the leaf it reaches', () => {
  const { x, y } = randomData(500, 4, 11);
  const forest = fitRegressionForest(x, y, 4, { trees: 1, bootstrap: false, maxDepth: 4, minLeaf: 10, seed: 2 });
  const leaves = forest.apply(x, 0);
  const sums = new Map<number, { sum: number; n: number }>();
  for (let i = 0; i < y.length; i++) {
    const s = sums.get(leaves[i]!) ?? { sum: 0, n: 0 };
    s.sum += y[i]!;
    s.n++;
    sums.set(leaves[i]!, s);
  }
  assert.ok(sums.size > 8 && sums.size <= 16, `${sums.size} leaves at depth <= 4`);
  for (const s of sums.values()) assert.ok(s.n >= 10, `leaf of ${s.n} samples < minLeaf`);
  const pred = forest.predict(x);
  for (let i = 0; i < y.length; i++) {
    const s = sums.get(leaves[i]!)!;
    assert.ok(Math.abs(pred[i]! - s.sum / s.n) < 1e-6, `row ${i}`);
  }
});

test('same seed gives the same forest, different seeds differ, and a forest beats its mean', () => {
  const { x, y } = randomData(2000, 6, 5);
  const test = randomData(500, 6, 6);
  const opts = { trees: 8, maxDepth: 10, minLeaf: 3 };
  const a = fitRegressionForest(x, y, 6, { ...opts, seed: 1 }).predict(test.x);
  const b = fitRegressionForest(x, y, 6, { ...opts, seed: 1 }).predict(test.x);
  const c = fitRegressionForest(x, y, 6, { ...opts, seed: 2 }).predict(test.x);
  assert.deepEqual(a, b);
  assert.ok(mse(a, c) > 1e-6, 'different seeds gave the same predictions');
  const mean = test.y.reduce((s, v) => s + v, 0) / test.y.length;
  const varY = mse(test.y, new Float32Array(test.y.length).fill(mean));
  // Noise variance is 0.01; the signal variance is ~0.5.
  assert.ok(mse(a, test.y) < 0.2 * varY, `forest MSE ${mse(a, test.y)} vs variance ${varY}`);
});

test('more trees average away variance: 20 trees beat 1 bootstrap tree on held-out data', () => {
  const { x, y } = randomData(1500, 6, 8);
  const held = randomData(500, 6, 9);
  const one = mse(fitRegressionForest(x, y, 6, { trees: 1, seed: 4 }).predict(held.x), held.y);
  const many = mse(fitRegressionForest(x, y, 6, { trees: 20, seed: 4 }).predict(held.x), held.y);
  assert.ok(many < 0.8 * one, `20 trees ${many} vs 1 tree ${one}`);
});

test('progress is reported per tree', () => {
  const { x, y } = randomData(100, 3, 1);
  const calls: [number, number][] = [];
  fitRegressionForest(x, y, 3, { trees: 3, onProgress: (d, t) => calls.push([d, t]) });
  assert.deepEqual(calls, [
    [1, 3],
    [2, 3],
    [3, 3],
  ]);
});

test('JSON round trip predicts identically; corrupt models are rejected', () => {
  const { x, y } = randomData(400, 5, 21);
  const forest = fitRegressionForest(x, y, 5, { trees: 4, maxDepth: 6, seed: 9 });
  const json = JSON.parse(JSON.stringify(forest.toJSON()));
  const back = RegressionForest.fromJSON(json);
  assert.deepEqual(back.predict(x), forest.predict(x));
  assert.equal(back.nodeCount, forest.nodeCount);

  // A child pointing back at its parent would loop forever: it must be caught on load.
  const left = Int32Array.from(forest.left);
  const internal = forest.feature.findIndex((f) => f >= 0);
  left[internal] = internal;
  const cyclic = { ...json, left: Buffer.from(left.buffer).toString('base64') };
  assert.throws(() => RegressionForest.fromJSON(cyclic), /children/);
  assert.throws(() => RegressionForest.fromJSON({ ...json, value: json.value.slice(0, 12) }), ValueError);
  assert.throws(() => RegressionForest.fromJSON({ ...json, format: 'other' }), /format/);
});

test('bad inputs and options raise errors naming the field', () => {
  const { x, y } = randomData(50, 3, 1);
  assert.throws(() => fitRegressionForest(x, y, 3, { mtry: 4 }), ConfigError);
  assert.throws(() => fitRegressionForest(x, y, 3, { sampleFraction: 0 }), /sampleFraction/);
  assert.throws(() => fitRegressionForest(x, y, 3, { maxBins: 300 }), /maxBins/);
  assert.throws(() => fitRegressionForest(x.subarray(3), y, 3), /x has 147 values/);
  const bad = Float32Array.from(x);
  bad[7] = NaN;
  assert.throws(() => fitRegressionForest(bad, y, 3), /x\[2, 1\] is NaN/);
  assert.throws(() => fitRegressionForest(x, y, 3).predict(new Float32Array(4)), /not rows of 3 features/);
});
