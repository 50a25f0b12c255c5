/**
 * Finite-difference checks for float32 tensors. tfjs has no float64, so central differences
 * use a step suited to float32 and tolerances from FLOAT32_TOLERANCE.
 */
import * as tf from '@tensorflow/tfjs-core';

export const FLOAT32_TOLERANCE = { rtol: 2e-2, atol: 2e-3, eps: 1e-2 } as const;

/** Max |a - b| / max(|b|, 1e-12) over two arrays of equal length. */
export function relMaxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 1e-12;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / den;
}

/**
 * Central-difference derivative of scalar `f` with respect to flat entries `indices` of
 * input `which` of `inputs`. Returns one derivative per index.
 */
export function numericGrad(
  f: (...xs: tf.Tensor[]) => tf.Scalar,
  inputs: tf.Tensor[],
  which: number,
  indices: number[],
  eps: number = FLOAT32_TOLERANCE.eps,
): number[] {
  const base = inputs[which]!.dataSync().slice();
  return indices.map((i) => {
    const at = (delta: number): number =>
      tf.tidy(() => {
        const v = base.slice();
        v[i] = v[i]! + delta;
        const xs = inputs.slice();
        xs[which] = tf.tensor(v, inputs[which]!.shape);
        return f(...xs).dataSync()[0]!;
      });
    return (at(eps) - at(-eps)) / (2 * eps);
  });
}

/** Evenly spread sample of `count` flat indices in [0, size). */
export function sampleIndices(size: number, count: number): number[] {
  const n = Math.min(size, count);
  return Array.from({ length: n }, (_, k) => Math.floor(((k + 0.5) * size) / n));
}
