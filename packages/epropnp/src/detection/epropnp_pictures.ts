/**
 * What the EPro-PnP detection head learned, drawn as in the article's Fig. 10/11:
 *   - the sampled 2-D points over the image, coloured by the x (left panel) and y (right panel)
 *     components of their weights;
 *   - each object's pose distribution p(y | X) drawn by AMIS around the solution: a bird's-eye
 *     view of the centre-position density, and the yaw distribution (where an object's front and
 *     back look alike, two peaks half a turn apart);
 * and `verticalWeightRatio`, the article's observation in one number: the mean vertical weight of
 * points in the top and bottom fifths of an object's 2-D box over that of its middle fifth.
 */
import { data } from '@lacuna/core';
import { makeCamera, type Intrinsics } from '../geometry/camera.js';
import { makePnPBatch } from '../problem/pnp_batch.js';
import { costAt } from '../cost/reprojection.js';
import { amis } from '../monte_carlo/amis.js';
import { softmax } from '../losses/monte_carlo_loss.js';
import { boxCorners, type Box3D } from './box3d.js';
import type { Detection } from './decode_detections.js';
import { dot, line, type Canvas } from './canvas.js';

/** AMIS samples [S, 4] ([x, y, z, yaw]) and normalised weights [S] of a detection's pose distribution. */
export function detectionPoseSamples(d: Detection, K: Intrinsics, options: { samples?: number; seed?: number } = {}): { samples: Float64Array; weights: Float64Array } {
  if (!d.correspondences || !d.covariance) throw new Error('detectionPoseSamples: the detection has no correspondences (a direct-head detection?)');
  const { x2d, x3d, w2d } = d.correspondences;
  const N = x3d.length / 3;
  const batch = makePnPBatch({ x3d, x2d, w2d, camera: makeCamera(K), N, B: 1, dof: 4 });
  const mode = [d.centre[0], d.centre[1], d.centre[2], d.yaw];
  const r = amis(4, mode, d.covariance, (poses, start, count, out) => {
    for (let j = start; j < start + count; j++) out[j] = -costAt(batch, 0, poses, j * 4);
  }, new data.Random(options.seed ?? 0), { mcSamples: options.samples ?? 512 });
  return { samples: r.samples, weights: softmax(r.logWeights) };
}

/** [H·s, 2·W·s, 3]: the darkened image twice, the points coloured by their x weight (left, red) and y weight (right, green). */
export function correspondencePicture(image: Float32Array, W: number, H: number, detections: readonly Detection[], scale = 4): { data: Float32Array; shape: [number, number, number] } {
  const s = scale;
  const cv: Canvas = { data: new Float32Array(H * s * 2 * W * s * 3), width: 2 * W * s, height: H * s };
  for (let r = 0; r < H * s; r++) for (let c = 0; c < 2 * W * s; c++) for (let k = 0; k < 3; k++) cv.data[(r * cv.width + c) * 3 + k] = 0.35 * image[(Math.floor(r / s) * W + Math.floor((c % (W * s)) / s)) * 3 + k]!;
  for (const d of detections) {
    if (!d.correspondences) continue;
    const { x2d, w2d } = d.correspondences;
    const N = x2d.length / 2;
    let max = 0;
    for (let i = 0; i < N * 2; i++) max = Math.max(max, w2d[i]!);
    if (!(max > 0)) continue;
    for (let n = 0; n < N; n++) {
      const x = (x2d[n * 2]! + 0.5) * s - 0.5, y = (x2d[n * 2 + 1]! + 0.5) * s - 0.5;
      const wx = w2d[n * 2]! / max, wy = w2d[n * 2 + 1]! / max;
      dot(cv, x, y, 1, [0.25 + 0.75 * wx, 0.15 * (1 - wx), 0.15 * (1 - wx)]);
      dot(cv, x + W * s, y, 1, [0.15 * (1 - wy), 0.25 + 0.75 * wy, 0.15 * (1 - wy)]);
    }
  }
  return { data: cv.data, shape: [cv.height, cv.width, 3] };
}

/**
 * [256 + 28·K, 256, 3]: a bird's-eye view (40 m across, 40 m ahead; 5 m grid) of the
 * centre-position densities of the K detections' samples (heat), with the true boxes' footprints
 * (white); below, one strip per detection: its yaw distribution over [−π, π) in 48 bins, the
 * estimate (cyan) and, for `truth[k]`, the true yaw (white).
 */
export function distributionPicture(detections: readonly Detection[], samples: readonly { samples: Float64Array; weights: Float64Array }[], truth: readonly (Box3D | null)[] = []): { data: Float32Array; shape: [number, number, number] } {
  const S = 256, strip = 28, bins = 48;
  const cv: Canvas = { data: new Float32Array((S + strip * detections.length) * S * 3).fill(0.06), width: S, height: S + strip * detections.length };
  const toBev = (x: number, z: number) => [((x + 20) / 40) * S, S - 1 - (z / 40) * S] as const;
  for (let z = 0; z <= 40; z += 5) line(cv, ...toBev(-20, z), ...toBev(20, z), [0.2, 0.2, 0.24]);
  for (let x = -20; x <= 20; x += 5) line(cv, ...toBev(x, 0), ...toBev(x, 40), [0.2, 0.2, 0.24]);
  const heat = new Float32Array(S * S);
  samples.forEach(({ samples: ps, weights }) => {
    const one = new Float32Array(S * S);
    let max = 0;
    for (let j = 0; j < weights.length; j++) {
      const [u, v] = toBev(ps[j * 4]!, ps[j * 4 + 2]!);
      const px = Math.round(u), py = Math.round(v);
      if (px < 0 || py < 0 || px >= S || py >= S) continue;
      one[py * S + px] += weights[j]!;
      max = Math.max(max, one[py * S + px]!);
    }
    if (max > 0) for (let p = 0; p < S * S; p++) heat[p] = Math.max(heat[p]!, Math.sqrt(one[p]! / max));
  });
  for (let p = 0; p < S * S; p++) if (heat[p]! > 0) cv.data.set([1, 0.35 + 0.65 * heat[p]!, 0.1 * heat[p]!].map((c) => c * (0.4 + 0.6 * heat[p]!)), p * 3);
  for (const b of truth) {
    if (!b) continue;
    const c = boxCorners(b);
    const ring = [2, 3, 7, 6, 2].map((k) => toBev(c[k * 3]!, c[k * 3 + 2]!));
    for (let k = 0; k < 4; k++) line(cv, ...ring[k]!, ...ring[k + 1]!, [1, 1, 1]);
  }
  detections.forEach((d, k) => {
    const top = S + k * strip;
    const hist = new Float64Array(bins);
    const { samples: ps, weights } = samples[k]!;
    for (let j = 0; j < weights.length; j++) {
      const a = ps[j * 4 + 3]!;
      const t = (((a + Math.PI) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
      hist[Math.min(bins - 1, Math.floor((t / (2 * Math.PI)) * bins))] += weights[j]!;
    }
    const max = Math.max(...hist);
    const bw = S / bins;
    for (let i = 0; i < bins; i++) {
      const h = max > 0 ? Math.round((hist[i]! / max) * (strip - 6)) : 0;
      for (let y = 0; y < h; y++) for (let x = Math.floor(i * bw); x < Math.floor((i + 1) * bw) - 1; x++) cv.data.set([0.95, 0.6, 0.15], ((top + strip - 3 - y) * S + x) * 3);
    }
    const tick = (yaw: number, colour: readonly number[]) => {
      const t = (((yaw + Math.PI) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
      const x = (t / (2 * Math.PI)) * S;
      line(cv, x, top + 2, x, top + strip - 3, colour);
    };
    tick(d.yaw, [0.2, 0.9, 1]);
    const gt = truth[k];
    if (gt) tick(gt.yaw, [1, 1, 1]);
  });
  return { data: cv.data, shape: [cv.height, cv.width, 3] };
}

/**
 * Mean y-weight of points in the top and bottom fifths of each object's 2-D box [u0, v0, u1, v1]
 * over the mean y-weight of points in its middle fifth (pooled over the objects): above 1 when
 * the head leans on the object's top and bottom to fix its depth. NaN when no point falls in a band.
 */
export function verticalWeightRatio(objects: readonly { x2d: Float32Array; w2d: Float32Array; box2d: readonly number[] }[]): number {
  let edge = 0, edgeN = 0, middle = 0, middleN = 0;
  for (const o of objects) {
    const [, v0, , v1] = o.box2d as [number, number, number, number];
    const hgt = v1 - v0;
    if (!(hgt > 0)) continue;
    // Weights relative to the object's own mean y-weight, so near and far objects count alike.
    const N = o.x2d.length / 2;
    let mean = 0;
    for (let n = 0; n < N; n++) mean += o.w2d[n * 2 + 1]! / N;
    if (!(mean > 0)) continue;
    for (let n = 0; n < N; n++) {
      const t = (o.x2d[n * 2 + 1]! - v0) / hgt, w = o.w2d[n * 2 + 1]! / mean;
      if ((t >= 0 && t < 0.2) || (t > 0.8 && t <= 1)) { edge += w; edgeN++; }
      else if (t >= 0.4 && t <= 0.6) { middle += w; middleN++; }
    }
  }
  return edgeN > 0 && middleN > 0 && middle > 0 ? edge / edgeN / (middle / middleN) : NaN;
}
