/**
 * Bilinear sampling of a feature map at free 2-D points, differentiable in both the features
 * and the points (deformable attention's sampling, as EPro-PnP's deformable head uses it).
 * Points are in grid coordinates: (x, y) = (column, row), cell centres at integers; outside the
 * grid the features are zero (each of the four neighbours outside counts as zero).
 */
import { tf } from '@lacuna/core';

/**
 * features [B, h, w, C]; image index of each query `batchIndex` [M]; points [M, N, 2]
 * (x, y in grid coordinates) → [M, N, C].
 */
export function bilinearSample(features: tf.Tensor4D, batchIndex: Int32Array, points: tf.Tensor3D): tf.Tensor3D {
  const [B, h, w, C] = features.shape;
  const [M, N] = points.shape;
  if (batchIndex.length !== M) throw new Error(`bilinearSample: ${batchIndex.length} image indices for ${M} queries`);
  // The cells and their validity are read off the points' values (they carry no gradient); the
  // weights, linear in the points, carry the points' gradient.
  const p = points.dataSync();
  const floor = new Float32Array(M * N * 2);
  const corners = [[0, 0], [1, 0], [0, 1], [1, 1]] as const;
  const index = corners.map(() => new Int32Array(M * N)), inside = corners.map(() => new Float32Array(M * N));
  for (let m = 0; m < M; m++) {
    const b = batchIndex[m]!;
    if (!(b >= 0 && b < B)) throw new Error(`bilinearSample: image index ${b} is outside 0..${B - 1}`);
    for (let n = 0; n < N; n++) {
      const k = m * N + n;
      const x0 = Math.floor(p[k * 2]!), y0 = Math.floor(p[k * 2 + 1]!);
      floor[k * 2] = x0;
      floor[k * 2 + 1] = y0;
      corners.forEach(([dx, dy], c) => {
        const xi = x0 + dx, yi = y0 + dy;
        const ok = xi >= 0 && xi < w && yi >= 0 && yi < h;
        inside[c]![k] = ok ? 1 : 0;
        index[c]![k] = ok ? (b * h + yi) * w + xi : 0;
      });
    }
  }
  return tf.tidy(() => {
    const flat = tf.reshape(features, [B * h * w, C]);
    const frac = tf.sub(points, tf.tensor3d(floor, [M, N, 2])); // [M, N, 2] in [0, 1)
    const fx = tf.reshape(tf.slice(frac, [0, 0, 0], [-1, -1, 1]), [M, N]), fy = tf.reshape(tf.slice(frac, [0, 0, 1], [-1, -1, 1]), [M, N]);
    const terms = corners.map(([dx, dy], c) => {
      const weight = tf.mul(tf.mul(dx ? fx : tf.sub(1, fx), dy ? fy : tf.sub(1, fy)), tf.tensor2d(inside[c]!, [M, N])); // [M, N]
      const gathered = tf.reshape(tf.gather(flat, tf.tensor1d(index[c]!, 'int32')), [M, N, C]);
      return tf.mul(gathered, tf.expandDims(weight, 2));
    });
    return tf.addN(terms) as tf.Tensor3D;
  });
}
