/**
 * Differentiable batched linear solve X = A^-1 B for small systems ([K, n, n] and [K, n, m]),
 * which tfjs lacks. Forward in float64 on the CPU; backward by the usual identities
 * dB = A^-T dX and dA = -dB X^T.
 */
import { tf, ValueError } from '@lacuna/core';
import { solveLinear } from '../linalg/dense.js';

function solveAll(a: ArrayLike<number>, b: ArrayLike<number>, K: number, n: number, m: number, transpose: boolean): Float32Array {
  const out = new Float32Array(K * n * m);
  const A = new Float64Array(n * n);
  const col = new Float64Array(n);
  const x = new Float64Array(n);
  for (let k = 0; k < K; k++) {
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) A[r * n + c] = transpose ? a[k * n * n + c * n + r]! : a[k * n * n + r * n + c]!;
    for (let j = 0; j < m; j++) {
      for (let r = 0; r < n; r++) col[r] = b[k * n * m + r * m + j]!;
      if (!solveLinear(A, col, n, x)) throw new ValueError(`solveBatched: system ${k} is singular`);
      for (let r = 0; r < n; r++) out[k * n * m + r * m + j] = x[r]!;
    }
  }
  return out;
}

const solveOp = tf.customGrad((...args) => {
  const a = args[0] as tf.Tensor3D;
  const b = args[1] as tf.Tensor3D;
  const [K, n] = a.shape;
  const m = b.shape[2];
  const x = tf.tensor3d(solveAll(a.dataSync(), b.dataSync(), K, n, m, false), [K, n, m]);
  const aData = a.dataSync().slice();
  const xData = x.dataSync().slice();
  return {
    value: x,
    gradFunc: (dy) => {
      const dB = tf.tensor3d(solveAll(aData, (dy as tf.Tensor).dataSync(), K, n, m, true), [K, n, m]);
      const dA = tf.neg(tf.matMul(dB, tf.tensor3d(xData, [K, n, m]), false, true));
      return [dA, dB];
    },
  };
});

/** X [K, n, m] with A X = B for each k. */
export function solveBatched(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  if (a.shape[1] !== a.shape[2] || b.shape[0] !== a.shape[0] || b.shape[1] !== a.shape[1]) {
    throw new ValueError(`solveBatched: need A [K, n, n] and B [K, n, m], got [${a.shape}] and [${b.shape}]`);
  }
  return solveOp(a, b) as tf.Tensor3D;
}
