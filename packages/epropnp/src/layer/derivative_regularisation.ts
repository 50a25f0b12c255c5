/**
 * EPro-PnP's derivative regularisation: one Gauss-Newton step from the detached solution y*,
 * y+ = y* (+) -(J^T J + eps I)^-1 J^T r, evaluated with tf ops so that the step is
 * differentiable in x3d, x2d and w2d, then
 *   loss_t = smooth-L1(||t+ - t_gt||, beta = 0.05),  loss_r = 1 - cos(angle(q+, q_gt)) = 2 (1 - (q+ . q_gt)^2)
 * (4-DoF: loss_r = 1 - cos(yaw+ - yaw_gt)). It pushes the correspondences so that the local
 * Gauss-Newton step points at the truth, which the Monte Carlo loss alone does not ask for.
 */
import { tf } from '@lacuna/core';
import type { PnPBatch } from '../problem/pnp_batch.js';
import { poseLength } from '../geometry/pose_step.js';
import { quaternionTangent, quaternionToMatrix, yawToMatrix } from '../geometry/rotation.js';
import { solveBatched } from './batched_solve.js';

export interface DerivativeRegularisation {
  /** [B] smooth-L1 translation term. */
  lossT: tf.Tensor1D;
  /** [B] orientation term. */
  lossR: tf.Tensor1D;
  /** [B, 7] (or [B, 4]) the stepped pose y+. */
  posePlus: tf.Tensor2D;
}

export interface DerivativeRegularisationOptions {
  /** Smooth-L1 threshold on the translation error (0.05, in the translation's units). */
  beta?: number;
  eps?: number;
}

/**
 * x3d [B, N, 3], x2d [B, N, 2], w2d [B, N, 2] (tensors that may carry gradients); `batch` the
 * same problems as plain numbers (cameras, delta settings, status); poseOpt and poseGt [B, 7].
 * Problems whose status is not 'ok' get zero loss and no gradient.
 */
export function derivativeRegularisation(
  x3d: tf.Tensor3D, x2d: tf.Tensor3D, w2d: tf.Tensor3D, batch: PnPBatch,
  poseOpt: ArrayLike<number>, poseGt: ArrayLike<number>, options: DerivativeRegularisationOptions = {},
): DerivativeRegularisation {
  const { B, N, dof, zMin } = batch;
  const len = poseLength(dof);
  const eps = options.eps ?? 1e-5;
  const beta = options.beta ?? 0.05;
  return tf.tidy(() => {
    const valid = new Float32Array(B);
    const Rs = new Float32Array(B * 9);
    const ts = new Float32Array(B * 3);
    const Ts = new Float32Array(B * 12);
    const base = new Float32Array(B * len);
    for (let b = 0; b < B; b++) {
      // Flagged problems step from y_gt so that no NaN enters the graph; their loss is masked.
      const ok = batch.status[b] === 'ok' && Number.isFinite(poseOpt[b * len]!);
      valid[b] = ok ? 1 : 0;
      const src = ok ? poseOpt : poseGt;
      for (let i = 0; i < len; i++) base[b * len + i] = src[b * len + i]!;
      const R = dof === 6 ? quaternionToMatrix(src, new Float64Array(9), b * len + 3) : yawToMatrix(src[b * len + 3]!);
      Rs.set(R, b * 9);
      for (let i = 0; i < 3; i++) ts[b * 3 + i] = src[b * len + i]!;
      if (dof === 6) Ts.set(quaternionTangent(src, b * len + 3), b * 12);
    }
    const col = (arr: Float64Array | null, i: number, fill: number) => tf.tensor2d(Float32Array.from({ length: B }, (_, b) => (arr ? arr[b * (arr.length / B) + i]! : fill)), [B, 1]);
    const fx = col(batch.K, 0, 0), sk = col(batch.K, 1, 0), cx = col(batch.K, 2, 0), fy = col(batch.K, 4, 0), cy = col(batch.K, 5, 0);
    const R = tf.tensor3d(Rs, [B, 3, 3]);
    const xr = tf.matMul(x3d, R, false, true); // [B, N, 3]
    const [xrX, xrY, xrZ] = tf.unstack(xr, 2) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D]; // [B, N] each
    const t = tf.tensor2d(ts, [B, 3]);
    const [tx, ty, tz] = tf.split(t, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D]; // [B, 1]
    const xc = tf.add(xrX, tx), yc = tf.add(xrY, ty), zRaw = tf.add(xrZ, tz);
    const z = tf.maximum(zRaw, zMin);
    const zClamped = tf.lessEqual(constant(zRaw), zMin);
    let u = tf.add(tf.div(tf.add(tf.mul(fx, xc), tf.mul(sk, yc)), z), cx);
    let v = tf.add(tf.div(tf.mul(fy, yc), z), cy);
    let keepU: tf.Tensor = tf.logicalNot(zClamped);
    let keepV: tf.Tensor = keepU;
    if (batch.lb && batch.ub) {
      const lbx = col(batch.lb, 0, 0), lby = col(batch.lb, 1, 0), ubx = col(batch.ub, 0, 0), uby = col(batch.ub, 1, 0);
      u = tf.minimum(tf.maximum(u, lbx), ubx);
      v = tf.minimum(tf.maximum(v, lby), uby);
      const uc = constant(u), vc = constant(v);
      keepU = tf.logicalAnd(keepU, tf.logicalAnd(tf.greater(uc, lbx), tf.less(uc, ubx)));
      keepV = tf.logicalAnd(keepV, tf.logicalAnd(tf.greater(vc, lby), tf.less(vc, uby)));
    }
    const mU = tf.cast(keepU, 'float32'), mV = tf.cast(keepV, 'float32');
    // Jacobian rows d(u, v)/d(step), zeroed where clipped (EPro-PnP's clip_jac).
    const a0 = tf.mul(tf.div(fx, z), mU), a1 = tf.mul(tf.div(sk, z), mU), a2 = tf.mul(tf.div(tf.sub(cx, u), z), mU);
    const b1 = tf.mul(tf.div(fy, z), mV), b2 = tf.mul(tf.div(tf.sub(cy, v), z), mV);
    const zeros = tf.zerosLike(a0);
    let rowsU: tf.Tensor[], rowsV: tf.Tensor[];
    if (dof === 6) {
      const two = (x: tf.Tensor) => tf.mul(x, 2);
      rowsU = [a0, a1, a2, two(tf.sub(tf.mul(a1, xrZ), tf.mul(a2, xrY))), two(tf.sub(tf.mul(a2, xrX), tf.mul(a0, xrZ))), two(tf.sub(tf.mul(a0, xrY), tf.mul(a1, xrX)))];
      rowsV = [zeros, b1, b2, two(tf.sub(tf.mul(b1, xrZ), tf.mul(b2, xrY))), two(tf.mul(b2, xrX)), two(tf.neg(tf.mul(b1, xrX)))];
    } else {
      rowsU = [a0, a1, a2, tf.sub(tf.mul(a0, xrZ), tf.mul(a2, xrX))];
      rowsV = [zeros, b1, b2, tf.neg(tf.mul(b2, xrX))];
    }
    const [x2dU, x2dV] = tf.unstack(x2d, 2) as [tf.Tensor2D, tf.Tensor2D];
    const [wU, wV] = tf.unstack(w2d, 2) as [tf.Tensor2D, tf.Tensor2D];
    const rU = tf.mul(tf.sub(u, x2dU), wU), rV = tf.mul(tf.sub(v, x2dV), wV);
    // max() keeps the gradient finite at a zero residual (sqrt'(0) is infinite).
    const s = tf.sqrt(tf.maximum(tf.add(tf.square(rU), tf.square(rV)), 1e-20));
    const delta = huberDelta(x2d, w2d, batch); // [B, 1]
    // sqrt of the IRLS weight: Huber min(1, delta / s), Cauchy 1 / (1 + s^2 / delta^2).
    const rho = batch.kernel === 'cauchy'
      ? tf.rsqrt(tf.add(1, tf.div(tf.square(s), tf.square(tf.maximum(delta, 1e-10)))))
      : tf.minimum(1, tf.mul(tf.sqrt(tf.maximum(delta, 1e-10)), tf.rsqrt(tf.maximum(s, 1e-10))));
    const scaleU = tf.mul(wU, rho), scaleV = tf.mul(wV, rho);
    const JU = tf.stack(rowsU.map((r) => tf.mul(r, scaleU)), 2); // [B, N, dof]
    const JV = tf.stack(rowsV.map((r) => tf.mul(r, scaleV)), 2);
    const J = tf.concat([JU, JV], 1) as tf.Tensor3D; // [B, 2N, dof]
    const r = tf.reshape(tf.concat([tf.mul(rU, rho), tf.mul(rV, rho)], 1), [B, 2 * N, 1]) as tf.Tensor3D;
    const JtJ = tf.add(tf.matMul(J, J, true, false), tf.mul(tf.eye(dof), eps)) as tf.Tensor3D;
    const g = tf.matMul(J, r, true, false) as tf.Tensor3D; // [B, dof, 1]
    const step = tf.reshape(tf.neg(solveBatched(JtJ, g)), [B, dof]) as tf.Tensor2D;
    const gt = tf.tensor2d(Float32Array.from({ length: B * len }, (_, i) => poseGt[i]!), [B, len]);
    const tPlus = tf.add(t, tf.slice(step, [0, 0], [B, 3]));
    const tErr = tf.norm(tf.sub(tPlus, tf.slice(gt, [0, 0], [B, 3])), 'euclidean', 1);
    const lossTRaw = tf.where(tf.less(constant(tErr), beta), tf.div(tf.mul(0.5, tf.square(tErr)), beta), tf.sub(tErr, 0.5 * beta));
    let rotPlus: tf.Tensor2D, lossRRaw: tf.Tensor1D;
    const q0 = tf.slice(tf.tensor2d(base, [B, len]), [0, 3], [B, len - 3]);
    if (dof === 6) {
      const dq = tf.reshape(tf.matMul(tf.tensor3d(Ts, [B, 4, 3]), tf.reshape(tf.slice(step, [0, 3], [B, 3]), [B, 3, 1])), [B, 4]);
      const qRaw = tf.add(q0, dq);
      rotPlus = tf.div(qRaw, tf.norm(qRaw, 'euclidean', 1, true)) as tf.Tensor2D;
      const dot = tf.sum(tf.mul(rotPlus, tf.slice(gt, [0, 3], [B, 4])), 1);
      lossRRaw = tf.mul(2, tf.sub(1, tf.square(dot))) as tf.Tensor1D;
    } else {
      rotPlus = tf.add(q0, tf.slice(step, [0, 3], [B, 1])) as tf.Tensor2D;
      lossRRaw = tf.sub(1, tf.cos(tf.reshape(tf.sub(rotPlus, tf.slice(gt, [0, 3], [B, 1])), [B]))) as tf.Tensor1D;
    }
    const mask = tf.tensor1d(valid);
    return {
      lossT: tf.mul(lossTRaw, mask) as tf.Tensor1D,
      lossR: tf.mul(lossRRaw, mask) as tf.Tensor1D,
      posePlus: tf.concat([tPlus, rotPlus], 1) as tf.Tensor2D,
    };
  });
}

/** A copy of `t`'s values outside the gradient tape: masks and branch choices are constants. */
function constant<T extends tf.Tensor>(t: T): T {
  return tf.tensor(t.dataSync(), t.shape, t.dtype) as T;
}

/** The Huber delta [B, 1] as a tf expression of x2d and w2d (or the batch's fixed delta). */
function huberDelta(x2d: tf.Tensor3D, w2d: tf.Tensor3D, batch: PnPBatch): tf.Tensor2D {
  if (!batch.adaptiveDelta) return tf.tensor2d(Float32Array.from(batch.delta), [batch.B, 1]);
  const N = batch.N;
  const mean = tf.mean(x2d, 1, true);
  const variance = tf.div(tf.sum(tf.square(tf.sub(x2d, mean)), 1), Math.max(N - 1, 1)); // [B, 2]
  const spread = tf.sqrt(tf.sum(variance, 1, true)); // [B, 1]
  const std = tf.maximum(spread, tf.tensor2d(Float32Array.from(batch.minSpread), [batch.B, 1]));
  return tf.mul(tf.mul(tf.mean(w2d, [1, 2]).reshape([batch.B, 1]), std), batch.relativeDelta) as tf.Tensor2D;
}
