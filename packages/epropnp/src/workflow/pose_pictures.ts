/**
 * Pictures of what the EPro-PnP layer sees and returns, as RGB images ([H, W, 3] in [0, 1]) for
 * `data.writePng`: the crop next to its weight map (w2d) and object-coordinate map (x3d), the
 * pose distribution's samples projected into the crop, and an orientation profile of the
 * pose density about an axis (two peaks for a two-fold symmetric object).
 */
import { projectPoints, makeCamera, type Intrinsics } from '../geometry/camera.js';
import { costAt } from '../cost/reprojection.js';
import type { PnPBatch } from '../problem/pnp_batch.js';
import type { PoseEstimates } from './estimate_pose.js';
import { quaternionToMatrix, matrixToQuaternion } from '../geometry/rotation.js';
import { axisAngleMatrix } from '../render/mesh.js';

export interface RgbImage {
  /** [H, W, 3] in [0, 1]. */
  data: Float32Array;
  shape: [number, number, number];
}

function blank(h: number, w: number, value = 1): RgbImage {
  return { data: new Float32Array(h * w * 3).fill(value), shape: [h, w, 3] };
}

/** Pastes `src` into `dst` at (row, col). */
function paste(dst: RgbImage, src: RgbImage, row: number, col: number): void {
  const [h, w] = src.shape;
  const W = dst.shape[1];
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) for (let k = 0; k < 3; k++) dst.data[((row + r) * W + col + c) * 3 + k] = src.data[(r * w + c) * 3 + k]!;
}

/** Nearest-neighbour upscale of an [h, w] scalar map to [H, W] through a colour map. */
function heatMap(values: ArrayLike<number>, h: number, w: number, H: number, W: number): RgbImage {
  let max = 0;
  for (let i = 0; i < h * w; i++) max = Math.max(max, values[i]!);
  const out = blank(H, W, 0);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      const v = max > 0 ? values[Math.floor((r * h) / H) * w + Math.floor((c * w) / W)]! / max : 0;
      // Black -> red -> yellow -> white.
      const o = (r * W + c) * 3;
      out.data[o] = Math.min(1, 3 * v);
      out.data[o + 1] = Math.min(1, Math.max(0, 3 * v - 1));
      out.data[o + 2] = Math.min(1, Math.max(0, 3 * v - 2));
    }
  }
  return out;
}

/**
 * Crop | weight map | coordinate map, each S x S. crop: [S, S, 3] in [0, 1]; weights [h, w];
 * x3d [h, w, 3] metres, shown as RGB over +-halfExtent.
 */
export function correspondencePicture(crop: ArrayLike<number>, S: number, weights: ArrayLike<number>, x3d: ArrayLike<number>, h: number, halfExtent: readonly number[]): RgbImage {
  const out = blank(S, 3 * S + 8);
  paste(out, { data: Float32Array.from(crop), shape: [S, S, 3] }, 0, 0);
  paste(out, heatMap(weights, h, h, S, S), 0, S + 4);
  const coords = blank(S, S, 0);
  for (let r = 0; r < S; r++) {
    for (let c = 0; c < S; c++) {
      const i = Math.floor((r * h) / S) * h + Math.floor((c * h) / S);
      for (let k = 0; k < 3; k++) coords.data[(r * S + c) * 3 + k] = Math.min(1, Math.max(0, 0.5 + x3d[i * 3 + k]! / (2 * halfExtent[k]!)));
    }
  }
  paste(out, coords, 0, 2 * S + 8);
  return out;
}

/**
 * The crop with weighted pose samples drawn as dots: for each sample, the projections of the
 * object's origin (white) and of `axisPoint` (an object point off the symmetry axis, cyan),
 * brighter for larger weight. `box` = (cx, cy, size) maps image pixels to crop pixels.
 */
export function poseSamplesPicture(
  crop: ArrayLike<number>, S: number, box: readonly number[], intrinsics: Intrinsics,
  samples: Float64Array, weights: Float64Array, axisPoint: readonly [number, number, number], scale = 4,
): RgbImage {
  const W = S * scale;
  const out = blank(W, W, 0);
  for (let r = 0; r < W; r++) for (let c = 0; c < W; c++) for (let k = 0; k < 3; k++) out.data[(r * W + c) * 3 + k] = 0.6 * crop[(Math.floor(r / scale) * S + Math.floor(c / scale)) * 3 + k]!;
  const camera = makeCamera(intrinsics);
  let wMax = 0;
  for (const w of weights) wMax = Math.max(wMax, w);
  const toCrop = (u: number, v: number): [number, number] => [((v - (box[1]! - box[2]! / 2)) * W) / box[2]!, ((u - (box[0]! - box[2]! / 2)) * W) / box[2]!];
  const paint = (r: number, c: number, colour: readonly number[], a: number, radius: number) => {
    for (let dr = -radius; dr <= radius; dr++) {
      for (let dc = -radius; dc <= radius; dc++) {
        const rr = Math.round(r) + dr, cc = Math.round(c) + dc;
        if (rr < 0 || cc < 0 || rr >= W || cc >= W || dr * dr + dc * dc > radius * radius + 0.5) continue;
        for (let k = 0; k < 3; k++) {
          const o = (rr * W + cc) * 3 + k;
          out.data[o] = (1 - a) * out.data[o]! + a * colour[k]!;
        }
      }
    }
  };
  // Light samples first, so the heavy ones stay on top; each is a line origin -> +x end.
  const order = Array.from(weights.keys()).sort((i, j) => weights[i]! - weights[j]!);
  const line = Math.max(0, Math.round(W / 128));
  const dot = Math.max(1, Math.round(W / 64));
  for (const j of order) {
    const share = Math.sqrt(weights[j]! / wMax);
    if (share < 0.05) continue;
    const a = 0.25 + 0.75 * share;
    const uv = projectPoints([0, 0, 0, ...axisPoint], samples.subarray(j * 7, j * 7 + 7), camera);
    const [r0, c0] = toCrop(uv[0]!, uv[1]!);
    const [r1, c1] = toCrop(uv[2]!, uv[3]!);
    const n = Math.max(1, Math.ceil(Math.hypot(r1 - r0, c1 - c0)));
    for (let t = 0; t <= n; t++) paint(r0 + ((r1 - r0) * t) / n, c0 + ((c1 - c0) * t) / n, [0, 1, 1], a, line);
    paint(r0, c0, [1, 1, 1], a, dot);
  }
  return out;
}

/**
 * The pose density exp(-cost) along rotations of the object about `axis` (object frame)
 * through its origin, relative to `pose`: bins of 360 / n degrees, normalised to a maximum of 1.
 */
export function orientationProfile(batch: PnPBatch, b: number, pose: ArrayLike<number>, axis: readonly [number, number, number], n = 72): Float64Array {
  const R0 = quaternionToMatrix(pose, new Float64Array(9), 3);
  const costs = new Float64Array(n);
  const p = new Float64Array(7);
  for (let i = 0; i < n; i++) {
    const phi = (2 * Math.PI * i) / n;
    const Ra = axisAngleMatrix(axis, phi);
    // R = R0 Ra: rotate in the object frame, then as the pose does.
    const R = new Float64Array(9);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) R[r * 3 + c] = R[r * 3 + c]! + R0[r * 3 + k]! * Ra[k * 3 + c]!;
    p.set([pose[0]!, pose[1]!, pose[2]!], 0);
    p.set(matrixToQuaternion(R), 3);
    costs[i] = costAt(batch, b, p, 0);
  }
  let min = Infinity;
  for (const c of costs) min = Math.min(min, c);
  return costs.map((c) => Math.exp(-(c - min)));
}

/** A bar chart of `values` (>= 0), height `h` pixels, `barWidth` pixels per bar. */
export function barChart(values: ArrayLike<number>, h = 96, barWidth = 4): RgbImage {
  const n = values.length;
  const out = blank(h, n * barWidth, 1);
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, values[i]!);
  for (let i = 0; i < n; i++) {
    const top = Math.round(h * (1 - (max > 0 ? values[i]! / max : 0)));
    for (let r = top; r < h; r++) {
      for (let c = i * barWidth; c < (i + 1) * barWidth - 1; c++) {
        const o = (r * n * barWidth + c) * 3;
        out.data[o] = 0.2; out.data[o + 1] = 0.4; out.data[o + 2] = 0.8;
      }
    }
  }
  return out;
}

/** Nearest-neighbour enlargement by an integer factor, for small crops. */
export function enlarge(image: RgbImage, factor: number): RgbImage {
  const [h, w] = image.shape;
  const H = h * factor, W = w * factor;
  const out = new Float32Array(H * W * 3);
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) for (let k = 0; k < 3; k++) out[(r * W + c) * 3 + k] = image.data[(Math.floor(r / factor) * w + Math.floor(c / factor)) * 3 + k]!;
  return { data: out, shape: [H, W, 3] };
}

/**
 * The picture of one prediction, as `lacuna epropnp predict --picture` writes it: crop |
 * weight map | object coordinates, then the crop with the pose samples; small crops are
 * enlarged to at least 128 px so it is readable.
 */
export function predictionPicture(
  crop: ArrayLike<number>, S: number, est: Pick<PoseEstimates, 'weights' | 'x3d' | 'outputSize'>, b: number, box: readonly number[], intrinsics: Intrinsics,
  dist: { samples: Float64Array; weights: Float64Array }, halfExtent: readonly number[],
): RgbImage {
  const H = est.outputSize;
  const left = correspondencePicture(crop, S, est.weights.subarray(b * H * H, (b + 1) * H * H), est.x3d.subarray(b * H * H * 3, (b + 1) * H * H * 3), H, halfExtent);
  const right = poseSamplesPicture(crop, S, box, intrinsics, dist.samples, dist.weights, [halfExtent[0]!, 0, 0], 1);
  const W = left.shape[1] + 4 + S;
  const sheet = new Float32Array(S * W * 3).fill(1);
  for (let r = 0; r < S; r++) {
    sheet.set(left.data.subarray(r * left.shape[1] * 3, (r + 1) * left.shape[1] * 3), r * W * 3);
    sheet.set(right.data.subarray(r * S * 3, (r + 1) * S * 3), (r * W + left.shape[1] + 4) * 3);
  }
  return enlarge({ data: sheet, shape: [S, W, 3] }, Math.max(1, Math.ceil(128 / S)));
}
