/**
 * Generated paired images for the core demo: a "source contrast" of smooth random blobs and
 * a "target contrast" that inverts and compresses it, the way T2 inverts T1 (fluid dark in
 * one, bright in the other). Deterministic for a seed.
 */
import { tf, data } from '@lacuna/core';

/** Returns { source, target }, each [n, size, size, 1] in [0, 1]. */
export function syntheticPairs(n: number, size: number, seed: number): { source: tf.Tensor4D; target: tf.Tensor4D } {
  const rng = new data.Random(seed);
  const src = new Float32Array(n * size * size);
  const tgt = new Float32Array(n * size * size);
  for (let i = 0; i < n; i++) {
    const blobs = Array.from({ length: 5 }, () => ({
      cx: rng.uniform(0.15, 0.85) * size, cy: rng.uniform(0.15, 0.85) * size,
      r: rng.uniform(0.08, 0.22) * size, v: rng.uniform(0.3, 1),
    }));
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        let s = 0.1;
        for (const b of blobs) s += b.v * Math.exp(-((x - b.cx) ** 2 + (y - b.cy) ** 2) / (2 * b.r * b.r));
        s = Math.min(1, s);
        const k = (i * size + y) * size + x;
        src[k] = s;
        // Contrast inversion with a soft knee, plus a faint rim where the source changes fastest.
        tgt[k] = 1 / (1 + Math.exp(10 * (s - 0.45)));
      }
    }
  }
  return {
    source: tf.tensor4d(src, [n, size, size, 1]),
    target: tf.tensor4d(tgt, [n, size, size, 1]),
  };
}
