/**
 * Pose accuracy metrics of the LineMOD benchmark (Hinterstoisser et al., ACCV 2012; as used
 * by CDPN and EPro-PnP):
 * - ADD: mean distance between the model's vertices under the estimated and the true pose;
 *   ADD-S (symmetric objects): mean distance from each truly placed vertex to the *closest*
 *   estimated one. Reported as pass rates at 0.02, 0.05 and 0.1 of the object's diameter.
 * - n° n cm: rotation error (degrees) and translation error (cm) both under the thresholds,
 *   at 2°/2 cm and 5°/5 cm.
 * - 2D projection: mean pixel distance between the vertices projected with the two poses,
 *   passing at 5 px.
 * And the BOP challenge's (Hodaň et al., ECCV 2020) symmetry-aware errors:
 * - MSSD: min over the object's symmetries S of the max vertex distance ‖P_e x − P_g S x‖,
 *   recall averaged over thresholds 0.05..0.5 of the diameter;
 * - MSPD: the same in the image (pixels), recall averaged over 5..50 px (times width/640).
 * Poses are [x, y, z, w, i, j, k] (x_cam = R x_obj + t, metres) or { R (row-major 3x3), t }.
 * Vertices are [V, 3] flat, metres. All functions are pure.
 */
import { ValueError } from '@lacuna/core';
import type { Intrinsics } from '../geometry/camera.js';
import { quaternionToMatrix, rotationAngleDeg } from '../geometry/rotation.js';

export type PoseInput = ArrayLike<number> | { readonly R: ArrayLike<number>; readonly t: ArrayLike<number> };

/** ADD(-S) thresholds as fractions of the diameter. */
export const ADD_THRESHOLDS = [0.02, 0.05, 0.1] as const;
/** (degrees, cm) pairs of the n° n cm metric. */
export const DEG_CM_THRESHOLDS = [[2, 2], [5, 5]] as const;
/** 2D projection threshold, pixels. */
export const PROJ_THRESHOLD_PX = 5;

/** R (row-major 3x3) and t of a pose. */
export function poseRt(pose: PoseInput, what = 'pose'): { R: Float64Array; t: Float64Array } {
  if ('R' in pose && 't' in pose) {
    if (pose.R.length !== 9 || pose.t.length !== 3) throw new ValueError(`${what}: R must have 9 numbers and t 3, got ${pose.R.length} and ${pose.t.length}`);
    return { R: Float64Array.from(pose.R), t: Float64Array.from(pose.t) };
  }
  const p = pose as ArrayLike<number>;
  if (p.length !== 7) throw new ValueError(`${what}: a pose is [x, y, z, w, i, j, k] (7 numbers), got ${p.length}`);
  const n = Math.hypot(p[3]!, p[4]!, p[5]!, p[6]!);
  if (!(n > 0)) throw new ValueError(`${what}: zero quaternion`);
  return { R: quaternionToMatrix([p[3]! / n, p[4]! / n, p[5]! / n, p[6]! / n]), t: Float64Array.of(p[0]!, p[1]!, p[2]!) };
}

function transformed(vertices: ArrayLike<number>, { R, t }: { R: Float64Array; t: Float64Array }): Float64Array {
  if (vertices.length === 0 || vertices.length % 3 !== 0) throw new ValueError(`pose metrics: vertices must be [V, 3] with V >= 1, got ${vertices.length} numbers`);
  const out = new Float64Array(vertices.length);
  for (let i = 0; i < vertices.length; i += 3) {
    const x = vertices[i]!, y = vertices[i + 1]!, z = vertices[i + 2]!;
    out[i] = R[0]! * x + R[1]! * y + R[2]! * z + t[0]!;
    out[i + 1] = R[3]! * x + R[4]! * y + R[5]! * z + t[1]!;
    out[i + 2] = R[6]! * x + R[7]! * y + R[8]! * z + t[2]!;
  }
  return out;
}

/** ADD: mean ‖(R_e x + t_e) − (R_g x + t_g)‖ over the vertices, metres. */
export function addError(estimate: PoseInput, truth: PoseInput, vertices: ArrayLike<number>): number {
  const a = transformed(vertices, poseRt(estimate, 'addError estimate')), b = transformed(vertices, poseRt(truth, 'addError truth'));
  let sum = 0;
  for (let i = 0; i < a.length; i += 3) sum += Math.hypot(a[i]! - b[i]!, a[i + 1]! - b[i + 1]!, a[i + 2]! - b[i + 2]!);
  return sum / (a.length / 3);
}

/** ADD-S: mean over truly placed vertices of the distance to the closest estimated vertex, metres (O(V²)). */
export function addSError(estimate: PoseInput, truth: PoseInput, vertices: ArrayLike<number>): number {
  const a = transformed(vertices, poseRt(estimate, 'addSError estimate')), b = transformed(vertices, poseRt(truth, 'addSError truth'));
  const n = a.length / 3;
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const bx = b[j * 3]!, by = b[j * 3 + 1]!, bz = b[j * 3 + 2]!;
    let best = Infinity;
    for (let i = 0; i < n; i++) {
      const dx = a[i * 3]! - bx, dy = a[i * 3 + 1]! - by, dz = a[i * 3 + 2]! - bz;
      const d = dx * dx + dy * dy + dz * dz;
      if (d < best) best = d;
    }
    sum += Math.sqrt(best);
  }
  return sum / n;
}

/**
 * Rotation error in degrees, angle(R_eᵀ R_g). With `symmetries` (object-frame rotations that
 * leave the object unchanged, row-major 3x3), the smallest error over R_g S.
 */
export function rotationErrorDeg(estimate: PoseInput, truth: PoseInput, symmetries?: readonly ArrayLike<number>[]): number {
  const Re = poseRt(estimate, 'rotationErrorDeg estimate').R, Rg = poseRt(truth, 'rotationErrorDeg truth').R;
  if (!symmetries || symmetries.length === 0) return rotationAngleDeg(Re, Rg);
  let best = Infinity;
  const RgS = new Float64Array(9);
  for (const S of symmetries) {
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) RgS[r * 3 + c] = Rg[r * 3]! * S[c]! + Rg[r * 3 + 1]! * S[3 + c]! + Rg[r * 3 + 2]! * S[6 + c]!;
    best = Math.min(best, rotationAngleDeg(Re, RgS));
  }
  return best;
}

/** Translation error ‖t_e − t_g‖ in centimetres. */
export function translationErrorCm(estimate: PoseInput, truth: PoseInput): number {
  const a = poseRt(estimate, 'translationErrorCm estimate').t, b = poseRt(truth, 'translationErrorCm truth').t;
  return 100 * Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
}

/** Mean pixel distance between the vertices projected with the two poses (K: intrinsics or row-major 3x3). */
export function projectionError2d(estimate: PoseInput, truth: PoseInput, vertices: ArrayLike<number>, K: Intrinsics | ArrayLike<number>): number {
  const k = 'fx' in (K as Intrinsics) ? (K as Intrinsics) : { fx: (K as ArrayLike<number>)[0]!, s: (K as ArrayLike<number>)[1]!, cx: (K as ArrayLike<number>)[2]!, fy: (K as ArrayLike<number>)[4]!, cy: (K as ArrayLike<number>)[5]! };
  const a = transformed(vertices, poseRt(estimate, 'projectionError2d estimate')), b = transformed(vertices, poseRt(truth, 'projectionError2d truth'));
  const s = k.s ?? 0;
  let sum = 0;
  for (let i = 0; i < a.length; i += 3) {
    // Points behind the camera have no projection; the error there is taken as unbounded.
    if (!(a[i + 2]! > 0 && b[i + 2]! > 0)) return Infinity;
    const ua = (k.fx * a[i]! + s * a[i + 1]!) / a[i + 2]! + k.cx, va = (k.fy * a[i + 1]!) / a[i + 2]! + k.cy;
    const ub = (k.fx * b[i]! + s * b[i + 1]!) / b[i + 2]! + k.cx, vb = (k.fy * b[i + 1]!) / b[i + 2]! + k.cy;
    sum += Math.hypot(ua - ub, va - vb);
  }
  return sum / (a.length / 3);
}

/** Composes the truth's rotation with each symmetry (identity included): the poses that look the same. */
function symmetricTruths(truth: { R: Float64Array; t: Float64Array }, symmetries: readonly ArrayLike<number>[] | undefined): { R: Float64Array; t: Float64Array }[] {
  const out = [truth];
  for (const S of symmetries ?? []) {
    const RS = new Float64Array(9);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) RS[r * 3 + c] = truth.R[r * 3]! * S[c]! + truth.R[r * 3 + 1]! * S[3 + c]! + truth.R[r * 3 + 2]! * S[6 + c]!;
    out.push({ R: RS, t: truth.t });
  }
  return out;
}

/** MSSD (BOP): min over symmetries of the max vertex distance, metres. */
export function mssdError(estimate: PoseInput, truth: PoseInput, vertices: ArrayLike<number>, symmetries?: readonly ArrayLike<number>[]): number {
  const a = transformed(vertices, poseRt(estimate, 'mssdError estimate'));
  let best = Infinity;
  for (const g of symmetricTruths(poseRt(truth, 'mssdError truth'), symmetries)) {
    const b = transformed(vertices, g);
    let worst = 0;
    for (let i = 0; i < a.length; i += 3) worst = Math.max(worst, Math.hypot(a[i]! - b[i]!, a[i + 1]! - b[i + 1]!, a[i + 2]! - b[i + 2]!));
    best = Math.min(best, worst);
  }
  return best;
}

/** MSPD (BOP): min over symmetries of the max distance between projected vertices, pixels. */
export function mspdError(estimate: PoseInput, truth: PoseInput, vertices: ArrayLike<number>, K: Intrinsics | ArrayLike<number>, symmetries?: readonly ArrayLike<number>[]): number {
  const k = 'fx' in (K as Intrinsics) ? (K as Intrinsics) : { fx: (K as ArrayLike<number>)[0]!, s: (K as ArrayLike<number>)[1]!, cx: (K as ArrayLike<number>)[2]!, fy: (K as ArrayLike<number>)[4]!, cy: (K as ArrayLike<number>)[5]! };
  const s = k.s ?? 0;
  const a = transformed(vertices, poseRt(estimate, 'mspdError estimate'));
  let best = Infinity;
  for (const g of symmetricTruths(poseRt(truth, 'mspdError truth'), symmetries)) {
    const b = transformed(vertices, g);
    let worst = 0;
    for (let i = 0; i < a.length; i += 3) {
      if (!(a[i + 2]! > 0 && b[i + 2]! > 0)) { worst = Infinity; break; }
      const ua = (k.fx * a[i]! + s * a[i + 1]!) / a[i + 2]! + k.cx, va = (k.fy * a[i + 1]!) / a[i + 2]! + k.cy;
      const ub = (k.fx * b[i]! + s * b[i + 1]!) / b[i + 2]! + k.cx, vb = (k.fy * b[i + 1]!) / b[i + 2]! + k.cy;
      worst = Math.max(worst, Math.hypot(ua - ub, va - vb));
    }
    best = Math.min(best, worst);
  }
  return best;
}

/** BOP's MSSD thresholds (fractions of the diameter) and MSPD thresholds (pixels at 640 px width). */
export const MSSD_THRESHOLDS = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5] as const;
export const MSPD_THRESHOLDS_PX = [5, 10, 15, 20, 25, 30, 35, 40, 45, 50] as const;

/** All errors of one estimate. */
export interface PoseErrors {
  /** ADD, metres. */
  readonly add: number;
  /** ADD-S, metres. */
  readonly addS: number;
  /** Rotation error, degrees (symmetry-aware when the model has symmetries). */
  readonly rotationDeg: number;
  readonly translationCm: number;
  /** Mean 2D projection error, pixels. */
  readonly projectionPx: number;
  /** BOP's MSSD (metres) and MSPD (pixels), symmetry-aware. */
  readonly mssd: number;
  readonly mspd: number;
}

export interface PoseModel {
  /** [V, 3] flat, metres. */
  readonly vertices: ArrayLike<number>;
  readonly diameter: number;
  /** Rotations leaving the object unchanged (as from `symmetryRotations`); empty or absent for none. */
  readonly symmetries?: readonly ArrayLike<number>[];
}

/** ADD, ADD-S, rotation/translation and 2D projection errors of one estimate. */
export function poseErrors(estimate: PoseInput, truth: PoseInput, model: PoseModel, K: Intrinsics | ArrayLike<number>): PoseErrors {
  return {
    add: addError(estimate, truth, model.vertices),
    addS: addSError(estimate, truth, model.vertices),
    rotationDeg: rotationErrorDeg(estimate, truth, model.symmetries),
    translationCm: translationErrorCm(estimate, truth),
    projectionPx: projectionError2d(estimate, truth, model.vertices, K),
    mssd: mssdError(estimate, truth, model.vertices, model.symmetries),
    mspd: mspdError(estimate, truth, model.vertices, K, model.symmetries),
  };
}

/** Pass rates in [0, 1] over a test set. */
export interface PoseAccuracy {
  readonly count: number;
  /** ADD (or ADD-S for a symmetric object) pass rate at each of ADD_THRESHOLDS, keyed '0.02' | '0.05' | '0.1'. */
  readonly add: Readonly<Record<string, number>>;
  /** Which distance `add` used. */
  readonly addKind: 'ADD' | 'ADD-S';
  /** Keyed '2deg2cm', '5deg5cm'. */
  readonly degCm: Readonly<Record<string, number>>;
  /** 2D projection pass rate at 5 px. */
  readonly proj5px: number;
  readonly meanRotationDeg: number;
  readonly meanTranslationCm: number;
  readonly medianAddOverDiameter: number;
  /** BOP's average recalls over the MSSD and MSPD thresholds (MSPD at `imageWidth`). */
  readonly arMssd: number;
  readonly arMspd: number;
}

/** Pass rates of `errors`; `symmetric` selects ADD-S (LineMOD's eggbox/glue protocol). */
export function poseAccuracy(errors: readonly PoseErrors[], diameter: number, symmetric: boolean, imageWidth = 640): PoseAccuracy {
  if (errors.length === 0) throw new ValueError('poseAccuracy: no errors given');
  if (!(diameter > 0)) throw new ValueError(`poseAccuracy: diameter must be positive, got ${diameter}`);
  const n = errors.length;
  const rate = (pass: (e: PoseErrors) => boolean) => errors.filter(pass).length / n;
  const dist = (e: PoseErrors) => (symmetric ? e.addS : e.add);
  const rel = errors.map((e) => dist(e) / diameter).sort((a, b) => a - b);
  return {
    count: n,
    add: Object.fromEntries(ADD_THRESHOLDS.map((t) => [String(t), rate((e) => dist(e) < t * diameter)])),
    addKind: symmetric ? 'ADD-S' : 'ADD',
    degCm: Object.fromEntries(DEG_CM_THRESHOLDS.map(([d, c]) => [`${d}deg${c}cm`, rate((e) => e.rotationDeg < d && e.translationCm < c)])),
    proj5px: rate((e) => e.projectionPx < PROJ_THRESHOLD_PX),
    meanRotationDeg: errors.reduce((s, e) => s + e.rotationDeg, 0) / n,
    meanTranslationCm: errors.reduce((s, e) => s + e.translationCm, 0) / n,
    medianAddOverDiameter: n % 2 ? rel[(n - 1) / 2]! : (rel[n / 2 - 1]! + rel[n / 2]!) / 2,
    arMssd: MSSD_THRESHOLDS.reduce((sum, t) => sum + rate((e) => e.mssd < t * diameter), 0) / MSSD_THRESHOLDS.length,
    arMspd: MSPD_THRESHOLDS_PX.reduce((sum, t) => sum + rate((e) => e.mspd < (t * imageWidth) / 640), 0) / MSPD_THRESHOLDS_PX.length,
  };
}
