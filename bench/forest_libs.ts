/**
 * Random-forest libraries on the synthesis baseline's real workload: 43 patch + context
 * features (packages/medsynth/src/baseline/patch_features.ts, defaults) of voxels of synthetic
 * 256×256 two-contrast head slices, target = the second contrast. Compares ml-random-forest
 * 2.1.0 (ml-cart 2.1.1 trees) with our histogram forest (regression_forest.ts) on the same data
 * and hyperparameters, then times our forest at the full size (100k samples, 30 trees) and
 * extrapolates ml-random-forest's time to it from its measured scaling.
 *
 *   npx tsx bench/forest_libs.ts            (2–3 minutes on one core)
 */
import { RandomForestRegression } from 'ml-random-forest';
import { data } from '@lacuna/core';
import { baseline } from '@lacuna/medsynth';

const { featureCount, fitRegressionForest, resolveFeatureOptions, stackFeatures } = baseline;

const SIZE = 256;
const TREES = 30;
const MAX_DEPTH = 18;
const MIN_LEAF = 5;

/** Mean over the (2r+1)² box, clipped at the border. */
function boxBlur(img: Float32Array, r: number): Float32Array {
  const out = new Float32Array(img.length);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      let s = 0;
      let n = 0;
      for (let yy = Math.max(0, y - r); yy <= Math.min(SIZE - 1, y + r); yy++) {
        for (let xx = Math.max(0, x - r); xx <= Math.min(SIZE - 1, x + r); xx++) {
          s += img[yy * SIZE + xx]!;
          n++;
        }
      }
      out[y * SIZE + x] = s / n;
    }
  }
  return out;
}

/**
 * One synthetic axial slice: an elliptical head with a scalp rim and CSF / grey / white matter
 * from thresholding a random smooth field; source is T1-like with a smooth bias field, target
 * T2-like (illustrative tissue means, not measured values), both blurred by partial volume and
 * noisy.
 */
function headSlice(rng: data.Random): { t1: Float32Array; t2: Float32Array; mask: Uint8Array } {
  const blobs = Array.from({ length: 12 }, () => [rng.uniform(40, 216), rng.uniform(40, 216), rng.uniform(-1, 1), rng.uniform(8, 30)] as const);
  const tilt = rng.uniform(-0.2, 0.2);
  const t1 = new Float32Array(SIZE * SIZE);
  const t2 = new Float32Array(SIZE * SIZE);
  const mask = new Uint8Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const u = (x - 128) * Math.cos(tilt) + (y - 128) * Math.sin(tilt);
      const v = -(x - 128) * Math.sin(tilt) + (y - 128) * Math.cos(tilt);
      const rho = Math.hypot(u / 90, v / 110);
      if (rho >= 1) continue;
      const i = y * SIZE + x;
      mask[i] = 1;
      let f = 0;
      for (const [cy, cx, a, s] of blobs) f += a * Math.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * s * s));
      // scalp, CSF, grey matter, white matter
      const [a1, a2] = rho > 0.9 ? [0.9, 0.3] : f < -0.3 ? [0.2, 1.0] : f < 0.2 ? [0.55, 0.6] : [0.8, 0.45];
      t1[i] = a1;
      t2[i] = a2;
    }
  }
  const b1 = boxBlur(t1, 1);
  const b2 = boxBlur(t2, 1);
  for (let i = 0; i < SIZE * SIZE; i++) {
    const y = Math.floor(i / SIZE);
    const bias = 1 + 0.1 * Math.sin(y / 40);
    t1[i] = mask[i] ? b1[i]! * bias + rng.normal(0, 0.02) : 0;
    t2[i] = mask[i] ? b2[i]! + rng.normal(0, 0.02) : 0;
  }
  return { t1, t2, mask };
}

function mse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s / a.length;
}

function seconds(t0: number): number {
  return (performance.now() - t0) / 1000;
}

/** Features and targets of the masked voxels of some slices, in random order, at most `limit`. */
function voxelSet(slices: ReturnType<typeof headSlice>[], limit: number, rng: data.Random): { x: Float32Array; y: Float32Array; p: number } {
  const n = slices.length;
  const src = new Float32Array(n * SIZE * SIZE);
  const tgt = new Float32Array(n * SIZE * SIZE);
  const ids: number[] = [];
  slices.forEach((s, k) => {
    src.set(s.t1, k * SIZE * SIZE);
    tgt.set(s.t2, k * SIZE * SIZE);
    s.mask.forEach((m, i) => m && ids.push(k * SIZE * SIZE + i));
  });
  rng.shuffle(ids);
  const order = ids.slice(0, limit); // random order: any prefix is a random subsample
  const sorted = Int32Array.from(order).sort();
  const opts = resolveFeatureOptions();
  const p = featureCount(opts, 1);
  const fSorted = stackFeatures({ data: src, shape: [n, SIZE, SIZE, 1] }, sorted, opts);
  const rowOf = new Map<number, number>();
  sorted.forEach((v, r) => rowOf.set(v, r));
  const x = new Float32Array(order.length * p);
  const y = new Float32Array(order.length);
  order.forEach((v, k) => {
    const r = rowOf.get(v)!;
    x.set(fSorted.subarray(r * p, (r + 1) * p), k * p);
    y[k] = tgt[v]!;
  });
  return { x, y, p };
}

function toRows(x: Float32Array, n: number, p: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * p, (i + 1) * p)));
}

function mlForest(trees: number): RandomForestRegression {
  // maxFeatures 1/3: ml-random-forest draws its feature subset once per tree, not per node.
  return new RandomForestRegression({
    nEstimators: trees,
    maxFeatures: 1 / 3,
    replacement: false,
    useSampleBagging: true,
    noOOB: true,
    seed: 3,
    treeOptions: { maxDepth: MAX_DEPTH, minNumSamples: MIN_LEAF },
  });
}

const rng = new data.Random(2017);
const train = voxelSet(Array.from({ length: 6 }, () => headSlice(rng)), 100_000, rng);
const test = voxelSet(Array.from({ length: 3 }, () => headSlice(rng)), SIZE * SIZE, rng);
const p = train.p;
console.log(`data: ${train.y.length} training voxels × ${p} features, ${test.y.length} test voxels (a 256×256 slice's worth)`);
console.log(`hyperparameters: ${TREES} trees, maxDepth ${MAX_DEPTH}, min leaf ${MIN_LEAF}, mtry p/3 = ${Math.floor(p / 3)}, bootstrap\n`);

// Head-to-head on a subset small enough for ml-random-forest.
const small = 2000;
const xs = train.x.subarray(0, small * p);
const ys = train.y.subarray(0, small);
{
  let t0 = performance.now();
  const ours = fitRegressionForest(xs, ys, p, { trees: TREES, maxDepth: MAX_DEPTH, minLeaf: MIN_LEAF, seed: 3 });
  const oursTrain = seconds(t0);
  t0 = performance.now();
  const oursPred = ours.predict(test.x);
  const oursPredict = seconds(t0);

  const ml = mlForest(TREES);
  t0 = performance.now();
  ml.train(toRows(xs, small, p), Array.from(ys));
  const mlTrain = seconds(t0);
  const rows = toRows(test.x, test.y.length, p);
  t0 = performance.now();
  const mlPred = ml.predict(rows);
  const mlPredict = seconds(t0);
  console.log(`n = ${small}:                 train s   predict s (${test.y.length} voxels)   test MSE`);
  console.log(`  ml-random-forest 2.1.0  ${mlTrain.toFixed(2).padStart(7)}   ${mlPredict.toFixed(2).padStart(9)}                  ${mse(mlPred, test.y).toExponential(3)}`);
  console.log(`  lacuna histogram forest ${oursTrain.toFixed(2).padStart(7)}   ${oursPredict.toFixed(2).padStart(9)}                  ${mse(oursPred, test.y).toExponential(3)}\n`);
}

// ml-random-forest's training time per tree as n grows, and the extrapolation to 100k × 30.
const sizes = [1000, 2000, 4000, 8000];
const perTree: number[] = [];
for (const n of sizes) {
  const ml = mlForest(1);
  const t0 = performance.now();
  ml.train(toRows(train.x.subarray(0, n * p), n, p), Array.from(train.y.subarray(0, n)));
  perTree.push(seconds(t0));
  console.log(`ml-random-forest, 1 tree, n = ${n}: ${perTree[perTree.length - 1]!.toFixed(2)} s`);
}
const lx = sizes.map(Math.log);
const ly = perTree.map(Math.log);
const mx = lx.reduce((a, b) => a + b) / lx.length;
const my = ly.reduce((a, b) => a + b) / ly.length;
const slope = lx.reduce((s, v, i) => s + (v - mx) * (ly[i]! - my), 0) / lx.reduce((s, v) => s + (v - mx) ** 2, 0);
const extrapolated = Math.exp(my + slope * (Math.log(train.y.length) - mx)) * TREES;
console.log(`  time ∝ n^${slope.toFixed(2)} → ${train.y.length} samples × ${TREES} trees ≈ ${(extrapolated / 3600).toFixed(1)} h (extrapolated)\n`);

// Our forest at the full size.
{
  let t0 = performance.now();
  const ours = fitRegressionForest(train.x, train.y, p, { trees: TREES, maxDepth: MAX_DEPTH, minLeaf: MIN_LEAF, seed: 3 });
  const trainS = seconds(t0);
  t0 = performance.now();
  const pred = ours.predict(test.x);
  const predictS = seconds(t0);
  console.log(`lacuna histogram forest, n = ${train.y.length}: train ${trainS.toFixed(2)} s, predict ${predictS.toFixed(2)} s for ${test.y.length} voxels, test MSE ${mse(pred, test.y).toExponential(3)}, ${ours.nodeCount} nodes`);
  const baseline = test.y.reduce((a, b) => a + b) / test.y.length;
  console.log(`(variance of the test targets: ${mse(test.y, new Float32Array(test.y.length).fill(baseline)).toExponential(3)})`);
}
