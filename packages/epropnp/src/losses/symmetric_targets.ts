/**
 * Symmetry-aware training targets. A symmetric object (rotations S that leave it unchanged)
 * has as many correct poses as symmetries: (R S, t) shows the same image as (R, t), and at a
 * pixel that sees the object point x under (R, t) the coordinate is S^T x under (R S, t).
 * Training against one fixed reading punishes a network for predicting another equally right
 * one; so, per sample, the loss takes the reading nearest to the network's prediction (the
 * smallest masked L1 between the predicted and the turned ground-truth coordinates), for the
 * coordinate map and for the Monte Carlo pose loss alike.
 */
import { matrixToQuaternion, quaternionToMatrix } from '../geometry/rotation.js';

export interface SymmetricTargets {
  /** [B, H, W, 3] the chosen reading's coordinates. */
  readonly x3d: Float32Array;
  /** [B, 7] the chosen reading's poses [x y z w i j k]. */
  readonly poses: Float64Array;
  /** [B] index of the chosen symmetry (0 = the identity, the ground truth as given). */
  readonly chosen: Int32Array;
}

/**
 * pred, gt [B, H, W, 3]; mask [B, H, W] (> 0.5 counts); poses [B, 7]; symmetries: row-major
 * rotations, the identity first (as symmetryRotations lists them).
 */
export function nearestSymmetricTargets(pred: ArrayLike<number>, gt: ArrayLike<number>, mask: ArrayLike<number>, poses: ArrayLike<number>, symmetries: readonly ArrayLike<number>[]): SymmetricTargets {
  const B = poses.length / 7;
  const px = mask.length / B;
  const x3d = Float32Array.from(gt);
  const out = Float64Array.from(poses);
  const chosen = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    let best = Infinity;
    for (let k = 0; k < symmetries.length; k++) {
      const S = symmetries[k]!;
      let cost = 0;
      for (let p = b * px; p < (b + 1) * px; p++) {
        if (!(mask[p]! > 0.5)) continue;
        const x = gt[p * 3]!, y = gt[p * 3 + 1]!, z = gt[p * 3 + 2]!;
        // S^T x: column k of S dotted with x.
        cost += Math.abs(pred[p * 3]! - (S[0]! * x + S[3]! * y + S[6]! * z))
          + Math.abs(pred[p * 3 + 1]! - (S[1]! * x + S[4]! * y + S[7]! * z))
          + Math.abs(pred[p * 3 + 2]! - (S[2]! * x + S[5]! * y + S[8]! * z));
      }
      if (cost < best - 1e-12) {
        best = cost;
        chosen[b] = k;
      }
    }
    const S = symmetries[chosen[b]!]!;
    if (chosen[b] === 0) continue;
    for (let p = b * px; p < (b + 1) * px; p++) {
      const x = gt[p * 3]!, y = gt[p * 3 + 1]!, z = gt[p * 3 + 2]!;
      x3d[p * 3] = S[0]! * x + S[3]! * y + S[6]! * z;
      x3d[p * 3 + 1] = S[1]! * x + S[4]! * y + S[7]! * z;
      x3d[p * 3 + 2] = S[2]! * x + S[5]! * y + S[8]! * z;
    }
    const R = quaternionToMatrix(poses, new Float64Array(9), b * 7 + 3);
    const RS = new Float64Array(9);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) RS[r * 3 + c] = R[r * 3]! * S[c]! + R[r * 3 + 1]! * S[3 + c]! + R[r * 3 + 2]! * S[6 + c]!;
    out.set(matrixToQuaternion(RS), b * 7 + 3);
  }
  return { x3d, poses: out, chosen };
}

/**
 * Per sample, the symmetric reading (R S, t) of `poses` [B, 7] whose rotation is nearest to
 * `reference` [B, 7] (a solver's y*): the target of a local term such as the derivative
 * regularisation, whose Gauss-Newton step from y* can only reach the nearest reading. Samples
 * whose reference is not finite keep the given pose.
 */
export function nearestSymmetricPoses(reference: ArrayLike<number>, poses: ArrayLike<number>, symmetries: readonly ArrayLike<number>[]): Float64Array {
  const B = poses.length / 7;
  const out = Float64Array.from(poses);
  const RS = new Float64Array(9);
  for (let b = 0; b < B; b++) {
    if (!Number.isFinite(reference[b * 7 + 3]!)) continue;
    const R = quaternionToMatrix(poses, new Float64Array(9), b * 7 + 3);
    let best = -Infinity;
    for (const S of symmetries) {
      for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) RS[r * 3 + c] = R[r * 3]! * S[c]! + R[r * 3 + 1]! * S[3 + c]! + R[r * 3 + 2]! * S[6 + c]!;
      const q = matrixToQuaternion(RS);
      // |q . q_ref| = cos(angle / 2): the larger, the nearer.
      const dot = Math.abs(q[0]! * reference[b * 7 + 3]! + q[1]! * reference[b * 7 + 4]! + q[2]! * reference[b * 7 + 5]! + q[3]! * reference[b * 7 + 6]!);
      if (dot > best) {
        best = dot;
        out.set(q, b * 7 + 3);
      }
    }
  }
  return out;
}
