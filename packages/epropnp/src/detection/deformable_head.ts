/**
 * EPro-PnP's deformable-correspondence head for 3-D detection (Chen et al., CVPR 2022, §4.2),
 * on the direct detector's backbone. Per object, a query (the stride-4 feature at the object's
 * cell) predicts N sampling offsets around a reference point — the object's 2-D box centre,
 * offsets in units of the box's half size, starting from a fixed 4 x 8 grid — and features are
 * sampled there (bilinear, differentiable in the offsets); each point's feature with the query
 * gives its normalised object coordinates (a free output added to a fixed spread pattern over the
 * box's sides, as the official head initialises its coordinate biases) and two weight logits; x3d
 * (object frame, metres) is those coordinates times the object's predicted half size; the
 * weights w2d are a softmax over the points per axis (the attention) times a global scale from
 * the query, which also gives the object's size. Nothing tells the head what the object's shape
 * is or where a point lies on it (x3d is never supervised): the pose comes from the 4-DoF
 * EPro-PnP layer and the Monte Carlo pose loss trains everything.
 */
import { ConfigError, tf, tfl } from '@lacuna/core';
import { bilinearSample } from './bilinear_sample.js';

export interface DeformableHeadOptions {
  /** Channels of the features the queries and points read. */
  readonly featureChannels: number;
  /** Points per object. Default 32 (a multiple of 8). */
  readonly points?: number;
  /** Hidden units. Default 64. */
  readonly hidden?: number;
  /** One self-attention layer among an object's points before x3d and the weights (the official head has one). Default false. */
  readonly pointAttention?: boolean;
  readonly seed?: number;
}

/** The two small networks of the head (saved with the detector). */
export interface DeformableHead {
  /** [M, Cf] query → [M, 2N + 2 + 3]: offsets, log weight scale (x, y), log size ratio. */
  readonly query: tfl.LayersModel;
  /** [M·N, 2Cf] point feature and query → [M·N, 5]: x3d (3, before scaling), weight logits (2). */
  readonly point: tfl.LayersModel;
  readonly points: number;
}

export function buildDeformableHead(o: DeformableHeadOptions): DeformableHead {
  const N = o.points ?? 32, hidden = o.hidden ?? 64, Cf = o.featureChannels, seed = o.seed ?? 0;
  if (!(Number.isInteger(N) && N >= 8 && N % 8 === 0)) throw new ConfigError(`buildDeformableHead: points must be a positive multiple of 8, got ${N}`, 'points', N);
  const dense = (x: tfl.SymbolicTensor, units: number, name: string, act: 'relu' | 'linear', std?: number) =>
    tfl.layers.dense({ units, activation: act, name, kernelInitializer: std ? tfl.initializers.randomNormal({ mean: 0, stddev: std, seed: seed + units }) : tfl.initializers.glorotUniform({ seed: seed + units + 1 }), biasInitializer: 'zeros' }).apply(x) as tfl.SymbolicTensor;
  const q = tfl.input({ shape: [Cf], name: 'query' });
  const qh = dense(q, hidden, 'query_hidden', 'relu');
  // Small initial outputs: offsets near the base grid, unit weight scale, mean size.
  const query = tfl.model({ inputs: q, outputs: dense(qh, 2 * N + 5, 'query_out', 'linear', 0.01), name: 'deformable_query' });
  let p: tfl.SymbolicTensor, ph: tfl.SymbolicTensor;
  if (o.pointAttention) {
    // [N, 2Cf] per object: each point attends to the object's other points (scaled dot product, one head), residual.
    p = tfl.input({ shape: [N, 2 * Cf], name: 'point_features' });
    const h1 = dense(p, hidden, 'point_hidden1', 'relu'); // [N, hidden]
    const key = 16;
    const qk = tfl.layers.dot({ axes: [2, 2], name: 'point_scores' }).apply([dense(h1, key, 'point_q', 'linear'), dense(h1, key, 'point_k', 'linear')]) as tfl.SymbolicTensor; // [N, N]
    const att = tfl.layers.softmax({ axis: -1, name: 'point_attention' }).apply(qk) as tfl.SymbolicTensor;
    const mixed = tfl.layers.dot({ axes: [2, 1], name: 'point_mix' }).apply([att, dense(h1, hidden, 'point_v', 'linear')]) as tfl.SymbolicTensor; // [N, hidden]
    ph = dense(tfl.layers.add({ name: 'point_residual' }).apply([h1, mixed]) as tfl.SymbolicTensor, hidden, 'point_hidden2', 'relu');
  } else {
    p = tfl.input({ shape: [2 * Cf], name: 'point_feature' });
    ph = dense(dense(p, hidden, 'point_hidden1', 'relu'), hidden, 'point_hidden2', 'relu');
  }
  // Small initial outputs: x3d starts on the base pattern, the weights uniform.
  const point = tfl.model({ inputs: p, outputs: dense(ph, 5, 'point_out', 'linear', 0.01), name: 'deformable_point' });
  return { query, point, points: N };
}

/** The base sampling pattern [N, 2] in units of the box's half size: a 4-wide, N/4-tall grid (denser vertically, where depth is read). */
export function basePattern(N: number): Float32Array {
  const cols = 4, rows = N / cols;
  const g = new Float32Array(N * 2);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) g.set([((c + 0.5) / cols) * 2 - 1, ((r + 0.5) / rows) * 2 - 1], (r * cols + c) * 2);
  return g;
}

/**
 * The base object coordinates [N, 3] in units of the half size: point n of the 2-D grid's row r
 * sits at height v_r (the top row at the object's top: both image rows and object y point down)
 * on the box's sides, the rows' four points a quarter turn apart and alternate rows turned by an
 * eighth, so that every yaw is visible from the start (a vertical column would hide it).
 */
export function baseObjectCoordinates(N: number): Float32Array {
  const cols = 4, rows = N / cols;
  const c3 = new Float32Array(N * 3);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
    const a = (2 * Math.PI * (c + 0.5 * (r % 2))) / cols + Math.PI / 4;
    c3.set([0.9 * Math.cos(a), (((r + 0.5) / rows) * 2 - 1) * 0.9, 0.9 * Math.sin(a)], (r * cols + c) * 3);
  }
  return c3;
}

export interface DeformableQueries {
  /** [M] image of each object in the batch. */
  readonly batchIndex: Int32Array;
  /** [M] the object's cell, row-major in the stride-4 grid. */
  readonly cell: Int32Array;
  /** [M, 2] reference point (pixels) and [M, 2] the box's half size (pixels). */
  readonly reference: Float32Array;
  readonly extent: Float32Array;
  /** [M, 3] the class's mean half size (m). */
  readonly meanHalf: Float32Array;
}

export interface DeformableOutputs {
  /** [M, N, 2] sampling points, image pixels. */
  readonly x2d: tf.Tensor3D;
  /** [M, N, 3] object coordinates, metres. */
  readonly x3d: tf.Tensor3D;
  /** [M, N, 2] weights: softmax over the points times the scale. */
  readonly w2d: tf.Tensor3D;
  /** [M, 2] the global weight scale. */
  readonly scale: tf.Tensor2D;
  /** [M, 3] log of size over the class's mean size. */
  readonly logSize: tf.Tensor2D;
}

/** The head on `features` [B, h, w, Cf] (stride `stride`) for the objects `q`; differentiable. */
export function deformableForward(head: DeformableHead, features: tf.Tensor4D, q: DeformableQueries, stride: number): DeformableOutputs {
  const M = q.batchIndex.length, N = head.points;
  const [B, h, w, Cf] = features.shape;
  return tf.tidy(() => {
    const flat = tf.reshape(features, [B * h * w, Cf]);
    const at = Int32Array.from(q.cell, (c, m) => q.batchIndex[m]! * h * w + c);
    const query = tf.gather(flat, tf.tensor1d(at, 'int32')) as tf.Tensor2D; // [M, Cf]
    const qo = head.query.apply(query) as tf.Tensor2D; // [M, 2N + 5]
    const offsets = tf.add(tf.reshape(tf.slice(qo, [0, 0], [-1, 2 * N]), [M, N, 2]), tf.tensor3d(basePattern(N), [1, N, 2]));
    const x2d = tf.add(tf.expandDims(tf.tensor2d(q.reference, [M, 2]), 1), tf.mul(offsets, tf.expandDims(tf.tensor2d(q.extent, [M, 2]), 1))) as tf.Tensor3D;
    const grid = tf.div(tf.sub(x2d, (stride - 1) / 2), stride) as tf.Tensor3D;
    const sampled = bilinearSample(features, q.batchIndex, grid); // [M, N, Cf]
    const pin = tf.concat([sampled, tf.tile(tf.expandDims(query, 1), [1, N, 1])], 2); // [M, N, 2Cf]
    const perObject = head.point.inputs[0]!.shape.length === 3; // a head with attention among the points
    const po = tf.reshape(head.point.apply(perObject ? pin : tf.reshape(pin, [M * N, 2 * Cf])) as tf.Tensor, [M, N, 5]);
    const logSize = tf.slice(qo, [0, 2 * N + 2], [-1, 3]) as tf.Tensor2D;
    const half = tf.mul(tf.tensor2d(q.meanHalf, [M, 3]), tf.exp(logSize)); // [M, 3] predicted half size
    const noc = tf.add(tf.slice(po, [0, 0, 0], [-1, -1, 3]), tf.tensor3d(baseObjectCoordinates(N), [1, N, 3]));
    const x3d = tf.mul(noc, tf.expandDims(half, 1)) as tf.Tensor3D;
    const scale = tf.exp(tf.slice(qo, [0, 2 * N], [-1, 2])) as tf.Tensor2D;
    const attention = tf.softmax(tf.transpose(tf.slice(po, [0, 0, 3], [-1, -1, 2]), [0, 2, 1])); // [M, 2, N], softmax over the points
    const w2d = tf.mul(tf.transpose(attention, [0, 2, 1]), tf.expandDims(scale, 1)) as tf.Tensor3D;
    return { x2d, x3d, w2d, scale, logSize };
  });
}
