/**
 * A batch of B weighted PnP problems of N points each, in float64, with the checks that keep
 * a degenerate problem from turning into a silent NaN pose. Layouts (flat, row-major):
 *   x3d [B, N, 3] object points, x2d [B, N, 2] image points (pixels), w2d [B, N, 2] weights
 *   per image axis (>= 0), K [B, 9] camera matrices, lb/ub [B, 2] optional clipping bounds,
 *   delta [B] the Huber threshold.
 */
import { ShapeError, ValueError, checkCount } from '@lacuna/core';
import type { Camera } from '../geometry/camera.js';
import { adaptiveDelta, DEFAULT_RELATIVE_DELTA, MIN_SPREAD_OF_FOCAL } from '../cost/huber.js';
import { symmetricEigen } from '../linalg/dense.js';
import { POOR_FIT_NOISE } from '../solver/fit_quality.js';

export type Dof = 4 | 6;

/** Why a problem cannot be solved; 'ok' when it can. */
export type ProblemStatus = 'ok' | 'non-finite' | 'too-few-points' | 'zero-weights' | 'collinear' | 'coincident-2d' | 'behind-camera' | 'poor-fit';

export interface PnPBatch {
  readonly dof: Dof;
  readonly B: number;
  readonly N: number;
  readonly x3d: Float64Array; // [B, N, 3]
  readonly x2d: Float64Array; // [B, N, 2]
  readonly w2d: Float64Array; // [B, N, 2]
  readonly K: Float64Array; // [B, 9]
  readonly zMin: number;
  readonly lb: Float64Array | null; // [B, 2]
  readonly ub: Float64Array | null; // [B, 2]
  readonly relativeDelta: number;
  /** The floor of the 2-D spread in the adaptive delta, px: MIN_SPREAD_OF_FOCAL of each camera's focal length. */
  readonly minSpread: Float64Array; // [B]
  readonly delta: Float64Array; // [B]
  /** True when delta follows x2d and w2d (the adaptive Huber cost), false when fixed. */
  readonly adaptiveDelta: boolean;
  /**
   * The robust kernel: 'huber' (EPro-PnP's, linear beyond delta) or 'cauchy' (log, scale delta:
   * large residuals barely count; for solving only, the Monte Carlo loss is Huber's).
   */
  readonly kernel: RobustKernel;
  /** Per problem: 'ok' or why it is degenerate (set at construction, and by the solver). */
  readonly status: ProblemStatus[];
}

export interface PnPBatchInput {
  x3d: ArrayLike<number>;
  x2d: ArrayLike<number>;
  /** Weights [B, N, 2]; default 1 everywhere. */
  w2d?: ArrayLike<number>;
  /** One camera for all problems, or one per problem. */
  camera: Camera | readonly Camera[];
  /** Number of problems B (default: deduced from x3d with `N`). */
  B?: number;
  N: number;
  dof?: Dof;
  /** Relative Huber delta (EPro-PnP: 0.1 in training). */
  relativeDelta?: number;
  /** A fixed Huber delta instead of the adaptive one. */
  delta?: number;
  /** The robust kernel (default 'huber'); delta is the Cauchy kernel's scale. */
  kernel?: RobustKernel;
}

export type RobustKernel = 'huber' | 'cauchy';

/** 2-D points whose spread is below this fraction of the focal length coincide. */
const COINCIDENT_OF_FOCAL = 1e-6;

/** Weights below this fraction of a problem's largest weight count as "no weight". */
const USABLE_WEIGHT = 1e-6;

/** Validates shapes and values and builds a float64 batch; degenerate problems get a status. */
export function makePnPBatch(input: PnPBatchInput): PnPBatch {
  const N = input.N;
  if (!(Number.isInteger(N) && N > 0)) throw new ValueError(`PnP: N (points per problem) must be a positive integer, got ${N}`);
  const B = input.B ?? input.x3d.length / (N * 3);
  if (!Number.isInteger(B) || B < 0) throw new ShapeError(`PnP: x3d has ${input.x3d.length} numbers, not a multiple of N*3 = ${N * 3}`, [input.x3d.length], ['B', N, 3]);
  const expect = (name: string, arr: ArrayLike<number>, per: number) => {
    checkCount(arr.length, B * N * per, () => `PnP: ${name} must be [B=${B}, N=${N}, ${per}] (${B * N * per} numbers), got ${arr.length}`);
  };
  expect('x3d', input.x3d, 3);
  expect('x2d', input.x2d, 2);
  if (input.w2d) expect('w2d', input.w2d, 2);
  const dof = input.dof ?? 6;
  if (dof !== 4 && dof !== 6) throw new ValueError(`PnP: dof must be 4 or 6, got ${dof}`);
  const cameras = Array.isArray(input.camera) ? (input.camera as readonly Camera[]) : null;
  if (cameras) checkCount(cameras.length, B, () => `PnP: got ${cameras.length} cameras for ${B} problems`);
  const cam0 = cameras ? cameras[0] : (input.camera as Camera);
  const zMin = cam0?.zMin ?? 0.01;
  const x3d = Float64Array.from(input.x3d);
  const x2d = Float64Array.from(input.x2d);
  const w2d = input.w2d ? Float64Array.from(input.w2d) : new Float64Array(B * N * 2).fill(1);
  const K = new Float64Array(B * 9);
  const hasBounds = cameras ? cameras.some((c) => c.lb) : Boolean(cam0?.lb);
  const lb = hasBounds ? new Float64Array(B * 2) : null;
  const ub = hasBounds ? new Float64Array(B * 2) : null;
  for (let b = 0; b < B; b++) {
    const cam = cameras ? cameras[b]! : (input.camera as Camera);
    if (cam.zMin !== zMin) throw new ValueError(`PnP: camera ${b} has zMin ${cam.zMin}, camera 0 has ${zMin}; use one zMin per batch`);
    K.set(cam.K, b * 9);
    if (lb && ub) {
      lb[b * 2] = cam.lb?.[0] ?? -Infinity;
      lb[b * 2 + 1] = cam.lb?.[1] ?? -Infinity;
      ub[b * 2] = cam.ub?.[0] ?? Infinity;
      ub[b * 2 + 1] = cam.ub?.[1] ?? Infinity;
    }
  }
  const relativeDelta = input.relativeDelta ?? DEFAULT_RELATIVE_DELTA;
  if (!(relativeDelta > 0)) throw new ValueError(`PnP: relativeDelta must be positive, got ${relativeDelta}`);
  if (input.delta !== undefined && !(input.delta > 0)) throw new ValueError(`PnP: delta must be positive, got ${input.delta}`);
  const delta = new Float64Array(B);
  const minSpread = new Float64Array(B);
  const status: ProblemStatus[] = [];
  for (let b = 0; b < B; b++) {
    minSpread[b] = MIN_SPREAD_OF_FOCAL * Math.sqrt(Math.abs(K[b * 9]! * K[b * 9 + 4]!));
    const s = checkProblem(x3d, x2d, w2d, b, N, minSpread[b]! / MIN_SPREAD_OF_FOCAL);
    if (s === 'ok') {
      delta[b] = input.delta ?? adaptiveDelta(x2d, w2d, b * N * 2, N, relativeDelta, minSpread[b]).delta;
      if (!(delta[b]! > 0)) delta[b] = 1e-12;
    }
    status.push(s);
  }
  const kernel = input.kernel ?? 'huber';
  if (kernel !== 'huber' && kernel !== 'cauchy') throw new ValueError(`PnP: kernel must be 'huber' or 'cauchy', got '${String(kernel)}'`);
  return { dof, B, N, x3d, x2d, w2d, K, zMin, lb, ub, relativeDelta, minSpread, delta, adaptiveDelta: input.delta === undefined, kernel, status };
}

/** Degeneracy checks of one problem, cheapest first. */
function checkProblem(x3d: Float64Array, x2d: Float64Array, w2d: Float64Array, b: number, N: number, focal: number): ProblemStatus {
  for (let i = b * N * 3; i < (b + 1) * N * 3; i++) if (!Number.isFinite(x3d[i]!)) return 'non-finite';
  let maxW = 0;
  for (let i = b * N * 2; i < (b + 1) * N * 2; i++) {
    if (!Number.isFinite(x2d[i]!) || !Number.isFinite(w2d[i]!)) return 'non-finite';
    if (w2d[i]! < 0) throw new ValueError(`PnP: w2d must be >= 0, problem ${b} point ${Math.floor((i - b * N * 2) / 2)} has ${w2d[i]}`);
    maxW = Math.max(maxW, w2d[i]!);
  }
  if (!(maxW > 1e-12)) return 'zero-weights';
  // Weighted scatter of the usable 3D points: rank < 2 means collinear (or coincident) points.
  let count = 0, sw = 0;
  const mean = [0, 0, 0];
  for (let p = 0; p < N; p++) {
    const w = w2d[(b * N + p) * 2]! + w2d[(b * N + p) * 2 + 1]!;
    if (w <= 2 * USABLE_WEIGHT * maxW) continue;
    count++;
    sw += w;
    for (let d = 0; d < 3; d++) mean[d] += w * x3d[(b * N + p) * 3 + d]!;
  }
  if (count < 4) return 'too-few-points';
  for (let d = 0; d < 3; d++) mean[d]! /= sw;
  const scatter = new Float64Array(9);
  for (let p = 0; p < N; p++) {
    const w = w2d[(b * N + p) * 2]! + w2d[(b * N + p) * 2 + 1]!;
    if (w <= 2 * USABLE_WEIGHT * maxW) continue;
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) scatter[r * 3 + c] += (w / sw) * (x3d[(b * N + p) * 3 + r]! - mean[r]!) * (x3d[(b * N + p) * 3 + c]! - mean[c]!);
  }
  const { values } = symmetricEigen(scatter, 3);
  if (!(values[1]! > 1e-10 * values[2]!)) return 'collinear';
  // Weighted 2-D spread of the same points, against the focal length.
  let mu = 0, mv = 0, spread = 0;
  for (let p = 0; p < N; p++) {
    const w = w2d[(b * N + p) * 2]! + w2d[(b * N + p) * 2 + 1]!;
    if (w <= 2 * USABLE_WEIGHT * maxW) continue;
    mu += (w / sw) * x2d[(b * N + p) * 2]!;
    mv += (w / sw) * x2d[(b * N + p) * 2 + 1]!;
  }
  for (let p = 0; p < N; p++) {
    const w = w2d[(b * N + p) * 2]! + w2d[(b * N + p) * 2 + 1]!;
    if (w <= 2 * USABLE_WEIGHT * maxW) continue;
    spread += (w / sw) * ((x2d[(b * N + p) * 2]! - mu) ** 2 + (x2d[(b * N + p) * 2 + 1]! - mv) ** 2);
  }
  if (!(Math.sqrt(spread) > COINCIDENT_OF_FOCAL * focal)) return 'coincident-2d';
  return 'ok';
}

/** Human-readable description of a status, for errors. */
export function describeStatus(status: ProblemStatus): string {
  switch (status) {
    case 'non-finite': return 'x3d, x2d or w2d holds NaN or Infinity';
    case 'too-few-points': return 'fewer than 4 points have non-zero weight';
    case 'zero-weights': return 'all weights are (near) zero';
    case 'collinear': return 'the weighted 3D points are collinear (or coincident), so the pose is not determined';
    case 'coincident-2d': return 'the weighted 2D points all coincide, so they say nothing about the pose';
    case 'poor-fit': return `the best pose leaves residuals far above the noise level the weights state (more than ${POOR_FIT_NOISE}x, with most of the weight beyond the Huber threshold): the 2D-3D correspondences do not fit one pose`;
    case 'behind-camera': return 'the solution puts the weighted points behind the camera (z < zMin): the 2D-3D correspondences have no pose in front of the camera';
    default: return 'ok';
  }
}

/** Throws a ValueError naming the first degenerate problem, if any. */
export function assertSolvable(batch: PnPBatch, what = 'PnP'): void {
  const bad = batch.status.findIndex((s) => s !== 'ok');
  if (bad >= 0) {
    const n = batch.status.filter((s) => s !== 'ok').length;
    throw new ValueError(`${what}: problem ${bad} is degenerate: ${describeStatus(batch.status[bad]!)}${n > 1 ? ` (${n} of ${batch.B} problems are)` : ''}; pass onDegenerate: 'flag' to get per-problem flags instead`);
  }
}
