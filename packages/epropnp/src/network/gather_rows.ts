/**
 * Row gathering with a gradient every backend has: tf.gather's gradient needs the
 * UnsortedSegmentSum kernel, which the wasm backend lacks, so the backward pass here scatters
 * with ScatterNd instead (which sums duplicate rows, the correct gradient of a gather).
 */
import { tf, ValueError } from '@lacuna/core';

/** x: [M, C] → [K, C] rows `rows` (K entries in [0, M)); differentiable in x. */
export function gatherRows(x: tf.Tensor2D, rows: Int32Array): tf.Tensor2D {
  const [M, C] = x.shape;
  for (const r of rows) if (!(r >= 0 && r < M)) throw new ValueError(`gatherRows: row ${r} out of range [0, ${M})`);
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor;
    const idx = tf.tensor1d(rows, 'int32');
    const value = tf.gather(input, idx);
    idx.dispose();
    return {
      value,
      gradFunc: (dy: tf.Tensor) => tf.tidy(() => tf.scatterND(tf.tensor2d(rows, [rows.length, 1], 'int32'), dy, [M, C])),
    };
  });
  return f(x) as tf.Tensor2D;
}
