/**
 * Deterministic test images for the SSIM / MS-SSIM tests, the same formula as pattern() in
 * ssim_reference.py (computed in float64, stored as float32 tensors). Test-only.
 */
import * as tf from '@tensorflow/tfjs-core';

/** [x, y] images [B, H, W, C]; y is x plus high- and low-frequency distortions. */
export function patternPair(b: number, h: number, w: number, c: number): [tf.Tensor4D, tf.Tensor4D] {
  const x = new Float32Array(b * h * w * c);
  const y = new Float32Array(b * h * w * c);
  let n = 0;
  for (let bb = 0; bb < b; bb++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++)
        for (let cc = 0; cc < c; cc++, n++) {
          const xv = 0.5 + 0.25 * Math.sin(0.23 * i + 0.17 * j * (cc + 1) + 0.9 * bb) + 0.2 * Math.cos(0.011 * i * j + 0.5 * cc);
          x[n] = xv;
          y[n] =
            xv +
            0.1 * Math.sin(1.7 * i - 0.8 * j + 1.3 * cc + bb) +
            0.05 * Math.cos(0.29 * (i + 2 * j) + cc) +
            0.08 * Math.sin(0.045 * i * (cc + 1) - 0.03 * j + bb);
        }
  return [tf.tensor4d(x, [b, h, w, c]), tf.tensor4d(y, [b, h, w, c])];
}

/** Asserts |a[i] − b[i]| <= tol for all i, naming `what`. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= tol)) {
      throw new Error(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (tol ${tol})`);
    }
  }
}
