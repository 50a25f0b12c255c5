/**
 * A random forest for regression (Breiman 2001): CART trees grown on bootstrap samples,
 * splitting by variance reduction over a random subset of mtry features at each node, and
 * averaging the trees. Splits are searched on histograms: every feature is cut once, before
 * training, into at most `maxBins` bins at quantiles of its training values (the approach of
 * LightGBM and scikit-learn's HistGradientBoosting), so finding a node's split costs one pass
 * over its samples per candidate feature instead of a sort. A feature with at most `maxBins`
 * distinct values keeps them all apart, so the search is then exact. Thresholds are midpoints
 * between neighbouring training values and go left when x <= threshold.
 *
 * Trees are stored flat (preorder, both children of node i are left[i] and left[i] + 1, after
 * i), which makes prediction a tight loop and the model a handful of typed arrays.
 *
 * We wrote our own instead of using ml-random-forest 2.1.0 because that library (through
 * ml-cart 2.1.1) re-splits the whole node for every candidate threshold, O(n²) per feature per
 * node: bench/forest_libs.ts measures it.
 */
import { ConfigError, ShapeError, ValueError, data, checkCount } from '@lacuna/core';

export interface RegressionForestOptions {
  /** Number of trees. Default 30. */
  readonly trees?: number;
  /** Maximum depth (the root is depth 0). Default 20. */
  readonly maxDepth?: number;
  /** Minimum samples in each leaf (bootstrap duplicates count). Default 5. */
  readonly minLeaf?: number;
  /** Features tried per node. Default ⌊p/3⌋ (at least 1), the usual regression default. */
  readonly mtry?: number;
  /** Draw each tree's samples with replacement (bagging). Default true. */
  readonly bootstrap?: boolean;
  /** Samples per tree as a fraction of the training set (without bootstrap: a subsample without replacement). Default 1. */
  readonly sampleFraction?: number;
  /** Histogram bins per feature, 2 … 256. Default 256. */
  readonly maxBins?: number;
  /** Seed of the core `data.Random` that draws samples and features. Default 0. */
  readonly seed?: number;
  /** Called after each tree with (trees done, total). */
  readonly onProgress?: (treesDone: number, total: number) => void;
}

interface ResolvedForestOptions {
  trees: number;
  maxDepth: number;
  minLeaf: number;
  mtry: number;
  bootstrap: boolean;
  sampleFraction: number;
  maxBins: number;
  seed: number;
}

function resolveForestOptions(o: RegressionForestOptions, nFeatures: number): ResolvedForestOptions {
  const r: ResolvedForestOptions = {
    trees: o.trees ?? 30,
    maxDepth: o.maxDepth ?? 20,
    minLeaf: o.minLeaf ?? 5,
    mtry: o.mtry ?? Math.max(1, Math.floor(nFeatures / 3)),
    bootstrap: o.bootstrap ?? true,
    sampleFraction: o.sampleFraction ?? 1,
    maxBins: o.maxBins ?? 256,
    seed: o.seed ?? 0,
  };
  const int = (name: keyof ResolvedForestOptions, lo: number, hi = Infinity): void => {
    const v = r[name] as number;
    if (!Number.isInteger(v) || v < lo || v > hi) throw new ConfigError(`${name}: must be an integer in [${lo}, ${hi}], got ${v}`, name, v);
  };
  int('trees', 1);
  int('maxDepth', 0);
  int('minLeaf', 1);
  int('mtry', 1, nFeatures);
  int('maxBins', 2, 256);
  int('seed', 0, Number.MAX_SAFE_INTEGER);
  if (!(r.sampleFraction > 0 && r.sampleFraction <= 1)) {
    throw new ConfigError(`sampleFraction: must be in (0, 1], got ${r.sampleFraction}`, 'sampleFraction', r.sampleFraction);
  }
  return r;
}

/** Features cut into bins: codes[f·n + i] is the bin of sample i in feature f; bin b holds x <= edges[f][b]. */
export interface BinnedFeatures {
  readonly codes: Uint8Array; // [p, n] column-major
  readonly edges: Float64Array[]; // per feature, increasing; bins = edges.length + 1
}

/** Index of the first entry of sorted `a` that is > v (a.length if none). */
function upperBound(a: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of entries of sorted `a` that are < v. */
function lowerBound(a: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Bin edges of one feature from its sorted values: midpoints between consecutive distinct
 * values when there are at most maxBins of them, otherwise midpoints after the values at the
 * quantiles q/maxBins (duplicates merged, so heavy ties give fewer bins).
 */
export function binEdges(sorted: Float32Array, maxBins: number): Float64Array {
  const n = sorted.length;
  const distinct: number[] = [];
  for (let i = 0; i < n && distinct.length <= maxBins; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
  const edges: number[] = [];
  if (distinct.length <= maxBins) {
    for (let i = 1; i < distinct.length; i++) edges.push((distinct[i - 1]! + distinct[i]!) / 2);
  } else {
    for (let q = 1; q < maxBins; q++) {
      const v = sorted[Math.max(0, Math.floor((q * n) / maxBins) - 1)]!;
      const next = upperBound(sorted, v);
      if (next >= n) break;
      const e = (v + sorted[next]!) / 2;
      if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e);
    }
  }
  return Float64Array.from(edges);
}

/** Cuts every column of X [n, p] (row-major) into bins. */
export function binFeatures(x: Float32Array, n: number, p: number, maxBins: number): BinnedFeatures {
  const codes = new Uint8Array(n * p);
  const edges: Float64Array[] = [];
  const col = new Float32Array(n);
  for (let f = 0; f < p; f++) {
    for (let i = 0; i < n; i++) col[i] = x[i * p + f]!;
    const e = binEdges(col.slice().sort(), maxBins);
    edges.push(e);
    const off = f * n;
    for (let i = 0; i < n; i++) codes[off + i] = lowerBound(e, col[i]!);
  }
  return { codes, edges };
}

/** Plain-JSON form of a forest; typed arrays as base64 of their little-endian bytes. */
export interface RegressionForestJSON {
  readonly format: 'lacuna-regression-forest';
  readonly version: 1;
  readonly nFeatures: number;
  readonly roots: string; // Int32 [trees]
  readonly feature: string; // Int32 [nodes]
  readonly threshold: string; // Float64 [nodes]
  readonly left: string; // Int32 [nodes]
  readonly value: string; // Float64 [nodes]
}

type TypedArrayCtor<T> = { new (n: number): T; readonly BYTES_PER_ELEMENT: number };

function encodeArray(a: Int32Array | Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function decodeArray<T extends Int32Array | Float64Array>(s: unknown, ctor: TypedArrayCtor<T>, field: string): T {
  if (typeof s !== 'string') throw new ValueError(`RegressionForest.fromJSON: ${field} must be a base64 string`);
  const bytes = Buffer.from(s, 'base64');
  if (bytes.length % ctor.BYTES_PER_ELEMENT !== 0) throw new ValueError(`RegressionForest.fromJSON: ${field} has ${bytes.length} bytes, not a multiple of ${ctor.BYTES_PER_ELEMENT}`);
  const out = new ctor(bytes.length / ctor.BYTES_PER_ELEMENT);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** A trained forest: flat node arrays of all trees; tree t occupies nodes [roots[t], roots[t+1]). */
export class RegressionForest {
  constructor(
    readonly nFeatures: number,
    readonly roots: Int32Array, // [trees]
    readonly feature: Int32Array, // [nodes]; −1 at a leaf
    readonly threshold: Float64Array, // [nodes]; go left when x <= threshold
    readonly left: Int32Array, // [nodes]; right child is left + 1; −1 at a leaf
    readonly value: Float64Array, // [nodes]; mean target of the node's training samples
  ) {}

  get treeCount(): number {
    return this.roots.length;
  }

  get nodeCount(): number {
    return this.feature.length;
  }

  private checkRows(x: Float32Array, what: string): number {
    if (x.length % this.nFeatures !== 0) {
      throw new ShapeError(`${what}: ${x.length} values are not rows of ${this.nFeatures} features`, [x.length], ['rows', this.nFeatures]);
    }
    return x.length / this.nFeatures;
  }

  /** Leaf reached by row `row` of x in tree `tree`. */
  private leafOf(x: Float32Array, row: number, tree: number): number {
    const off = row * this.nFeatures;
    let node = this.roots[tree]!;
    let f = this.feature[node]!;
    while (f >= 0) {
      node = x[off + f]! <= this.threshold[node]! ? this.left[node]! : this.left[node]! + 1;
      f = this.feature[node]!;
    }
    return node;
  }

  /** Mean of the trees' predictions for each row of x [rows, p] → [rows]. */
  predict(x: Float32Array): Float32Array {
    const rows = this.checkRows(x, 'RegressionForest.predict');
    const out = new Float32Array(rows);
    const trees = this.roots.length;
    for (let i = 0; i < rows; i++) {
      let sum = 0;
      for (let t = 0; t < trees; t++) sum += this.value[this.leafOf(x, i, t)]!;
      out[i] = sum / trees;
    }
    return out;
  }

  /** Node index of the leaf each row of x [rows, p] reaches in tree `tree` → [rows]. */
  apply(x: Float32Array, tree: number): Int32Array {
    const rows = this.checkRows(x, 'RegressionForest.apply');
    if (!Number.isInteger(tree) || tree < 0 || tree >= this.roots.length) throw new ValueError(`RegressionForest.apply: tree ${tree} is outside [0, ${this.roots.length})`);
    const out = new Int32Array(rows);
    for (let i = 0; i < rows; i++) out[i] = this.leafOf(x, i, tree);
    return out;
  }

  toJSON(): RegressionForestJSON {
    return {
      format: 'lacuna-regression-forest',
      version: 1,
      nFeatures: this.nFeatures,
      roots: encodeArray(this.roots),
      feature: encodeArray(this.feature),
      threshold: encodeArray(this.threshold),
      left: encodeArray(this.left),
      value: encodeArray(this.value),
    };
  }

  /**
   * Rebuilds a forest from `toJSON()` output, checking it is a well-formed set of trees (children
   * after their parent inside the same tree, features in range, finite numbers), so a corrupt
   * model fails here with a ValueError rather than looping or reading out of bounds later.
   */
  static fromJSON(json: unknown): RegressionForest {
    const j = json as Partial<Record<keyof RegressionForestJSON, unknown>> | null;
    if (typeof j !== 'object' || j === null || j.format !== 'lacuna-regression-forest') throw new ValueError("RegressionForest.fromJSON: format must be 'lacuna-regression-forest'");
    if (j.version !== 1) throw new ValueError(`RegressionForest.fromJSON: unsupported version ${String(j.version)}`);
    const p = j.nFeatures;
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 1) throw new ValueError(`RegressionForest.fromJSON: nFeatures must be a positive integer, got ${String(p)}`);
    const roots = decodeArray(j.roots, Int32Array, 'roots');
    const feature = decodeArray(j.feature, Int32Array, 'feature');
    const threshold = decodeArray(j.threshold, Float64Array, 'threshold');
    const left = decodeArray(j.left, Int32Array, 'left');
    const value = decodeArray(j.value, Float64Array, 'value');
    const nodes = feature.length;
    if (threshold.length !== nodes || left.length !== nodes || value.length !== nodes) {
      throw new ValueError(`RegressionForest.fromJSON: node arrays disagree in length (feature ${nodes}, threshold ${threshold.length}, left ${left.length}, value ${value.length})`);
    }
    if (roots.length < 1 || roots[0] !== 0) throw new ValueError('RegressionForest.fromJSON: roots must start at node 0');
    for (let t = 0; t < roots.length; t++) {
      const start = roots[t]!;
      const end = t + 1 < roots.length ? roots[t + 1]! : nodes;
      if (!(end > start)) throw new ValueError(`RegressionForest.fromJSON: tree ${t} has no nodes (roots must increase)`);
      for (let i = start; i < end; i++) {
        if (!Number.isFinite(value[i]!)) throw new ValueError(`RegressionForest.fromJSON: value of node ${i} is ${value[i]}`);
        const f = feature[i]!;
        if (f === -1) continue;
        if (f < 0 || f >= p) throw new ValueError(`RegressionForest.fromJSON: node ${i} splits on feature ${f}, outside [0, ${p})`);
        if (!(left[i]! > i && left[i]! + 1 < end)) throw new ValueError(`RegressionForest.fromJSON: node ${i} has children ${left[i]}, ${left[i]! + 1} outside (${i}, ${end}) of tree ${t}`);
        if (Number.isNaN(threshold[i]!)) throw new ValueError(`RegressionForest.fromJSON: threshold of node ${i} is NaN`);
      }
    }
    return new RegressionForest(p, roots, feature, threshold, left, value);
  }
}

/** Growable node storage shared by the trees of one forest. */
class NodeBuffer {
  feature: number[] = [];
  threshold: number[] = [];
  left: number[] = [];
  value: number[] = [];

  add(): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.left.push(-1);
    this.value.push(0);
    return this.feature.length - 1;
  }
}

/** Scratch arrays for growing one tree. */
interface TreeScratch {
  readonly idx: Int32Array; // sample ids of the tree, partitioned node by node
  readonly ys: Float64Array; // targets aligned with idx
  readonly perm: Int32Array; // feature order, reshuffled per node
  readonly count: Int32Array; // [maxBins] histogram
  readonly sum: Float64Array; // [maxBins]
}

interface Split {
  feature: number;
  bin: number;
  score: number;
}

/** Best bin split of feature f over idx[start, end); updates `best` when it improves. Returns false if f is constant there. */
function searchFeature(s: TreeScratch, bins: BinnedFeatures, n: number, f: number, start: number, end: number, minLeaf: number, total: number, best: Split): boolean {
  const { idx, ys, count, sum } = s;
  const codes = bins.codes;
  const off = f * n;
  let lo = 255;
  let hi = 0;
  for (let k = start; k < end; k++) {
    const b = codes[off + idx[k]!]!;
    if (b < lo) lo = b;
    if (b > hi) hi = b;
  }
  if (lo === hi) return false;
  count.fill(0, lo, hi + 1);
  sum.fill(0, lo, hi + 1);
  for (let k = start; k < end; k++) {
    const b = codes[off + idx[k]!]!;
    count[b]!++;
    sum[b]! += ys[k]!;
  }
  const nAll = end - start;
  let nL = 0;
  let sL = 0;
  for (let b = lo; b < hi; b++) {
    nL += count[b]!;
    sL += sum[b]!;
    const nR = nAll - nL;
    if (nL < minLeaf) continue;
    if (nR < minLeaf) break;
    const sR = total - sL;
    // Maximising sL²/nL + sR²/nR minimises the children's summed squared error.
    const score = (sL * sL) / nL + (sR * sR) / nR;
    if (score > best.score) {
      best.score = score;
      best.feature = f;
      best.bin = b;
    }
  }
  return true;
}

/** Grows one tree on the samples in s.idx (targets in s.ys) into `nodes`; returns its root. */
function growTree(s: TreeScratch, bins: BinnedFeatures, n: number, p: number, o: ResolvedForestOptions, rng: data.Random, nodes: NodeBuffer): number {
  const root = nodes.add();
  // Depth-first with an explicit stack of [node, start, end, depth].
  const stack: number[] = [root, 0, s.idx.length, 0];
  const best: Split = { feature: -1, bin: 0, score: 0 };
  while (stack.length > 0) {
    const depth = stack.pop()!;
    const end = stack.pop()!;
    const start = stack.pop()!;
    const node = stack.pop()!;
    const m = end - start;
    let total = 0;
    let yMin = Infinity;
    let yMax = -Infinity;
    for (let k = start; k < end; k++) {
      const v = s.ys[k]!;
      total += v;
      if (v < yMin) yMin = v;
      if (v > yMax) yMax = v;
    }
    nodes.value[node] = total / m;
    if (depth >= o.maxDepth || m < 2 * o.minLeaf || yMin === yMax) continue;

    // Try features in random order until mtry non-constant ones were searched (constant
    // features do not count, as in scikit-learn), keeping the best split.
    const parentScore = (total * total) / m;
    best.feature = -1;
    best.score = parentScore + 1e-12 * Math.abs(parentScore);
    let tried = 0;
    for (let j = 0; j < p && tried < o.mtry; j++) {
      const r = rng.int(j, p);
      const f = s.perm[r]!;
      s.perm[r] = s.perm[j]!;
      s.perm[j] = f;
      if (searchFeature(s, bins, n, f, start, end, o.minLeaf, total, best)) tried++;
    }
    if (best.feature < 0) continue;

    // Partition idx/ys in place: bins <= best.bin first.
    const off = best.feature * n;
    let i = start;
    let k = end - 1;
    while (i <= k) {
      if (bins.codes[off + s.idx[i]!]! <= best.bin) i++;
      else {
        const ti = s.idx[i]!;
        s.idx[i] = s.idx[k]!;
        s.idx[k] = ti;
        const ty = s.ys[i]!;
        s.ys[i] = s.ys[k]!;
        s.ys[k] = ty;
        k--;
      }
    }
    const l = nodes.add();
    nodes.add();
    nodes.feature[node] = best.feature;
    nodes.threshold[node] = bins.edges[best.feature]![best.bin]!;
    nodes.left[node] = l;
    // Push right first so the left subtree is grown first (any order is valid).
    stack.push(l + 1, i, end, depth + 1);
    stack.push(l, start, i, depth + 1);
  }
  return root;
}

/**
 * Fits a forest to x [n, p] (row-major) and targets y [n]. Same data, options and seed give the
 * same forest.
 */
export function fitRegressionForest(x: Float32Array, y: Float32Array, nFeatures: number, options: RegressionForestOptions = {}): RegressionForest {
  const p = nFeatures;
  if (!Number.isInteger(p) || p < 1) throw new ValueError(`fitRegressionForest: nFeatures must be a positive integer, got ${p}`);
  const n = y.length;
  if (n < 1) throw new ValueError('fitRegressionForest: no training samples');
  checkCount(x.length, n * p, () => `fitRegressionForest: x has ${x.length} values, y has ${n} targets of ${p} features (${n * p} values)`);
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) throw new ValueError(`fitRegressionForest: x[${Math.floor(i / p)}, ${i % p}] is ${x[i]} (must be finite)`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(y[i]!)) throw new ValueError(`fitRegressionForest: y[${i}] is ${y[i]} (must be finite)`);
  const o = resolveForestOptions(options, p);

  const bins = binFeatures(x, n, p, o.maxBins);
  const rng = new data.Random(o.seed);
  const m = Math.max(1, Math.round(o.sampleFraction * n));
  const scratch: TreeScratch = {
    idx: new Int32Array(m),
    ys: new Float64Array(m),
    perm: Int32Array.from({ length: p }, (_, i) => i),
    count: new Int32Array(256),
    sum: new Float64Array(256),
  };
  const nodes = new NodeBuffer();
  const roots = new Int32Array(o.trees);
  for (let t = 0; t < o.trees; t++) {
    if (o.bootstrap) {
      for (let k = 0; k < m; k++) scratch.idx[k] = rng.int(0, n);
    } else if (m === n) {
      for (let k = 0; k < m; k++) scratch.idx[k] = k;
    } else {
      scratch.idx.set(rng.permutation(n).subarray(0, m));
    }
    for (let k = 0; k < m; k++) scratch.ys[k] = y[scratch.idx[k]!]!;
    roots[t] = growTree(scratch, bins, n, p, o, rng, nodes);
    options.onProgress?.(t + 1, o.trees);
  }
  return new RegressionForest(
    p,
    roots,
    Int32Array.from(nodes.feature),
    Float64Array.from(nodes.threshold),
    Int32Array.from(nodes.left),
    Float64Array.from(nodes.value),
  );
}
