/**
 * Small generated image pairs for tests and smoke runs of the synthesis code: smooth random
 * blobs as the "source" and a known function of them as the "target" (default 1 − source,
 * a contrast inversion like T1 → T2). Deterministic for a seed.
 */
import { tf, data } from '@lacuna/core';

/** [n, size, size, 1] images in [0, 1]: a 0.1 floor plus 4 Gaussian blobs, clipped at 1. */
export function blobImages(n: number, size: number, seed: number): tf.Tensor4D {
  const rng = new data.Random(seed);
  const out = new Float32Array(n * size * size);
  for (let i = 0; i < n; i++) {
    const blobs = Array.from({ length: 4 }, () => ({
      cx: rng.uniform(0.15, 0.85) * size,
      cy: rng.uniform(0.15, 0.85) * size,
      r: rng.uniform(0.08, 0.2) * size,
      v: rng.uniform(0.4, 1),
    }));
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        let s = 0.1;
        for (const b of blobs) s += b.v * Math.exp(-((x - b.cx) ** 2 + (y - b.cy) ** 2) / (2 * b.r * b.r));
        out[(i * size + y) * size + x] = Math.min(1, s);
      }
    }
  }
  return tf.tensor4d(out, [n, size, size, 1]);
}

/** { source, target = 1 − source }, each [n, size, size, 1]. */
export function invertedPairs(n: number, size: number, seed: number): { source: tf.Tensor4D; target: tf.Tensor4D } {
  const source = blobImages(n, size, seed);
  return { source, target: tf.tidy(() => tf.sub(1, source) as tf.Tensor4D) };
}
