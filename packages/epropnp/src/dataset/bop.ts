/**
 * The BOP format (Benchmark for 6D Object Pose, bop.felk.cvut.cz): its JSON records and their
 * conversions to Lacuna's conventions. BOP poses are model-to-camera, `cam_R_m2c` a row-major
 * 3x3 rotation and `cam_t_m2c` in millimetres; models are in millimetres; symmetries are listed
 * in `models_info.json` as `symmetries_discrete` (4x4 row-major transforms, translation in mm,
 * identity left out) and `symmetries_continuous` ({ axis, offset }). Files on disk: bop_files.ts.
 */
import { IOError } from '@lacuna/core';
import { matrixToQuaternion, quaternionToMatrix } from '../geometry/rotation.js';
import { axisAngleMatrix, type ObjectModel, type Symmetry } from '../render/mesh.js';

/** One object instance in an image (scene_gt.json). */
export interface BopGt {
  readonly cam_R_m2c: number[];
  readonly cam_t_m2c: number[];
  readonly obj_id: number;
}

/** One instance's facts (scene_gt_info.json). */
export interface BopGtInfo {
  readonly bbox_obj: number[];
  readonly bbox_visib: number[];
  readonly px_count_all: number;
  readonly px_count_valid: number;
  readonly px_count_visib: number;
  readonly visib_fract: number;
}

/** One model's entry of models_info.json (millimetres). */
export interface BopModelInfo {
  readonly diameter: number;
  readonly min_x: number;
  readonly min_y: number;
  readonly min_z: number;
  readonly size_x: number;
  readonly size_y: number;
  readonly size_z: number;
  readonly symmetries_discrete?: number[][];
  readonly symmetries_continuous?: { axis: number[]; offset: number[] }[];
}

/** A Lacuna pose [x y z w i j k] (metres) as BOP's R and t (mm). */
export function poseToBop(pose: ArrayLike<number>, objId: number): BopGt {
  const R = quaternionToMatrix(pose, new Float64Array(9), 3);
  return { cam_R_m2c: Array.from(R), cam_t_m2c: [pose[0]! * 1000, pose[1]! * 1000, pose[2]! * 1000], obj_id: objId };
}

/** BOP's R and t (mm) as a Lacuna pose; `where` names the record in errors (R must be a rotation). */
export function poseFromBop(gt: BopGt, where: string): Float64Array {
  const R = gt.cam_R_m2c, t = gt.cam_t_m2c;
  if (!Array.isArray(R) || R.length !== 9 || !R.every(Number.isFinite)) throw new IOError(`${where}: cam_R_m2c must be 9 numbers`, where);
  if (!Array.isArray(t) || t.length !== 3 || !t.every(Number.isFinite)) throw new IOError(`${where}: cam_t_m2c must be 3 numbers`, where);
  // Orthonormal with determinant 1, to the precision BOP files are written with.
  let err = 0;
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 3; b++) {
      let d = 0;
      for (let k = 0; k < 3; k++) d += R[a * 3 + k]! * R[b * 3 + k]!;
      err = Math.max(err, Math.abs(d - (a === b ? 1 : 0)));
    }
  }
  const det = R[0]! * (R[4]! * R[8]! - R[5]! * R[7]!) - R[1]! * (R[3]! * R[8]! - R[5]! * R[6]!) + R[2]! * (R[3]! * R[7]! - R[4]! * R[6]!);
  if (err > 1e-3 || det < 0) throw new IOError(`${where}: cam_R_m2c is not a rotation (R R^T deviates by ${err.toExponential(1)}, det ${det.toFixed(3)})`, where);
  const q = matrixToQuaternion(R);
  return Float64Array.of(t[0]! / 1000, t[1]! / 1000, t[2]! / 1000, q[0]!, q[1]!, q[2]!, q[3]!);
}

/** The models_info.json entry of an object (metres in, millimetres out; symmetries as BOP lists them). */
export function bopModelInfo(model: ObjectModel): BopModelInfo {
  const v = model.mesh.vertices;
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < v.length; i++) {
    lo[i % 3] = Math.min(lo[i % 3]!, v[i]!);
    hi[i % 3] = Math.max(hi[i % 3]!, v[i]!);
  }
  const mm = (x: number) => Number((x * 1000).toFixed(6));
  const s = model.symmetry;
  return {
    diameter: mm(model.diameter),
    min_x: mm(lo[0]!), min_y: mm(lo[1]!), min_z: mm(lo[2]!),
    size_x: mm(hi[0]! - lo[0]!), size_y: mm(hi[1]! - lo[1]!), size_z: mm(hi[2]! - lo[2]!),
    ...(s.kind === 'discrete'
      ? {
          symmetries_discrete: Array.from({ length: s.order - 1 }, (_, k) => {
            const R = axisAngleMatrix(s.axis, (2 * Math.PI * (k + 1)) / s.order);
            return [R[0]!, R[1]!, R[2]!, 0, R[3]!, R[4]!, R[5]!, 0, R[6]!, R[7]!, R[8]!, 0, 0, 0, 0, 1].map((x) => Number(x.toFixed(12)));
          }),
        }
      : {}),
    ...(s.kind === 'continuous' ? { symmetries_continuous: [{ axis: [...s.axis], offset: [0, 0, 0] }] } : {}),
  };
}

/**
 * The symmetry a models_info entry describes, in Lacuna's terms: continuous about an axis, or
 * the cyclic group of rotations about one axis (BOP's discrete list without the identity).
 * Other sets (several axes, translations) are refused with the reason.
 */
export function symmetryFromBop(info: BopModelInfo, where: string): Symmetry {
  const cont = info.symmetries_continuous ?? [];
  const disc = info.symmetries_discrete ?? [];
  if (cont.length > 0) {
    const a = cont[0]!.axis;
    if (cont.length > 1 || !Array.isArray(a) || a.length !== 3) throw new IOError(`${where}: only one continuous symmetry axis is supported`, where);
    const n = Math.hypot(a[0]!, a[1]!, a[2]!);
    if (!(n > 0)) throw new IOError(`${where}: a continuous symmetry axis is zero`, where);
    return { kind: 'continuous', axis: [a[0]! / n, a[1]! / n, a[2]! / n] };
  }
  if (disc.length === 0) return { kind: 'none' };
  // The axis and angle of each transform; all must share the axis, and the angles be 2 pi k / n.
  const order = disc.length + 1;
  const first = disc[0]!;
  if (first.length !== 16 || Math.hypot(first[3]!, first[7]!, first[11]!) > 1e-3) throw new IOError(`${where}: symmetries_discrete entries must be 4x4 rotations (translation 0)`, where);
  const axis = rotationAxis(first);
  for (const [k, T] of disc.entries()) {
    const ax = rotationAxis(T);
    if (Math.abs(Math.abs(ax[0] * axis[0] + ax[1] * axis[1] + ax[2] * axis[2]) - 1) > 1e-3) {
      throw new IOError(`${where}: symmetries_discrete ${k} turns about another axis; only cyclic symmetries about one axis are supported`, where);
    }
  }
  return { kind: 'discrete', axis, order };
}

function rotationAxis(T: number[]): [number, number, number] {
  const x = T[9]! - T[6]!, y = T[2]! - T[8]!, z = T[4]! - T[1]!;
  const n = Math.hypot(x, y, z);
  // A half turn has R - R^T = 0: its axis is the column of R + I with the largest norm.
  if (n < 1e-6) {
    const cols = [0, 1, 2].map((c) => [T[c]! + (c === 0 ? 1 : 0), T[4 + c]! + (c === 1 ? 1 : 0), T[8 + c]! + (c === 2 ? 1 : 0)]);
    const best = cols.reduce((a, b) => (Math.hypot(...b) > Math.hypot(...a) ? b : a));
    const m = Math.hypot(...best);
    return [best[0]! / m, best[1]! / m, best[2]! / m];
  }
  return [x / n, y / n, z / n];
}

/**
 * BOP's results CSV (scene_id,im_id,obj_id,score,R,t,time; R row-major and t in mm, space
 * separated), one line per estimated pose, as the BOP toolkit scores it.
 */
export function bopResultsCsv(rows: readonly { sceneId: number; imId: number; objId: number; score: number; pose: ArrayLike<number>; seconds: number }[]): string {
  const lines = ['scene_id,im_id,obj_id,score,R,t,time'];
  for (const r of rows) {
    const gt = poseToBop(r.pose, r.objId);
    lines.push(`${r.sceneId},${r.imId},${r.objId},${r.score},${gt.cam_R_m2c.map((x) => x.toPrecision(9)).join(' ')},${gt.cam_t_m2c.map((x) => x.toPrecision(9)).join(' ')},${r.seconds}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `obj_000001.ply`-style names. */
export const bopId = (id: number) => String(id).padStart(6, '0');
