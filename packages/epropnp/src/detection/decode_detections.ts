/**
 * From the dense head's output to 3-D boxes: score = sigmoid(class) · sigmoid(centerness) (FCOS's
 * ranking), peaks that are the maximum of their 3x3 neighbourhood and above `minScore`, the best
 * `maxPerImage`; each peak's box lifted to 3-D from its projected centre and depth through the
 * intrinsics, size = class mean · exp(log ratio), yaw = observation angle + ray angle; then
 * non-maximum suppression per class on the predicted 2-D boxes.
 */
import type { Intrinsics } from '../geometry/camera.js';
import { yawFromObservation, type ScoredBox3D } from './box3d.js';

export interface DecodeOptions {
  readonly classes: readonly string[];
  readonly meanSizes: Readonly<Record<string, readonly [number, number, number]>>;
  readonly intrinsics: Intrinsics;
  readonly stride: number;
  /** Default 0.05. */
  readonly minScore?: number;
  /** Default 50. */
  readonly maxPerImage?: number;
  /** 2-D IoU above which a lower-scored box of the same class is dropped. Default 0.5. */
  readonly nmsIoU?: number;
}

/** A decoded detection: the 3-D box with its score, and the predicted 2-D box [u0, v0, u1, v1]. */
export interface Detection extends ScoredBox3D {
  readonly box2d: readonly [number, number, number, number];
  /** The output cell it was read at (row-major in the stride grid). */
  readonly cell: number;
  /** EPro-PnP head: the object's correspondences ([N, 2] x2d pixels, [N, 3] x3d metres, [N, 2] w2d) and the pose's 4x4 covariance. */
  readonly correspondences?: { readonly x2d: Float32Array; readonly x3d: Float32Array; readonly w2d: Float32Array };
  readonly covariance?: Float64Array;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Detections of every image of `out` [B, h, w, C + 13] (its values, row-major). */
export function decodeDetections(out: Float32Array, shape: readonly [number, number, number, number], o: DecodeOptions): Detection[][] {
  const [B, h, w, channels] = shape;
  const C = channels - 13, s = o.stride, offset = (s - 1) / 2, K = o.intrinsics;
  if (C !== o.classes.length) throw new Error(`decodeDetections: the output has ${C} class channels, the model ${o.classes.length} classes`);
  const minScore = o.minScore ?? 0.05, maxPer = o.maxPerImage ?? 50, nmsIoU = o.nmsIoU ?? 0.5;
  const result: Detection[][] = [];
  for (let b = 0; b < B; b++) {
    const score = new Float32Array(h * w * C);
    for (let p = 0; p < h * w; p++) {
      const base = (b * h * w + p) * channels;
      const ctr = sigmoid(out[base + C]!);
      for (let c = 0; c < C; c++) score[p * C + c] = sigmoid(out[base + c]!) * ctr;
    }
    const peaks: { p: number; c: number; score: number }[] = [];
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        for (let c = 0; c < C; c++) {
          const v = score[(i * w + j) * C + c]!;
          if (v < minScore) continue;
          let isMax = true;
          for (let di = -1; di <= 1 && isMax; di++) for (let dj = -1; dj <= 1; dj++) {
            const ii = i + di, jj = j + dj;
            if ((di || dj) && ii >= 0 && jj >= 0 && ii < h && jj < w && score[(ii * w + jj) * C + c]! > v) { isMax = false; break; }
          }
          if (isMax) peaks.push({ p: i * w + j, c, score: v });
        }
      }
    }
    peaks.sort((a, b2) => b2.score - a.score);
    const kept: Detection[] = [];
    for (const pk of peaks) {
      if (kept.length >= maxPer) break;
      const base = (b * h * w + pk.p) * channels + C + 1;
      const i = Math.floor(pk.p / w), j = pk.p % w;
      const u = j * s + offset + out[base]! * s, v = i * s + offset + out[base + 1]! * s;
      const z = Math.exp(out[base + 2]!);
      const x = ((u - K.cx) * z - (K.s ?? 0) * ((v - K.cy) * z) / K.fy) / K.fx, y = ((v - K.cy) * z) / K.fy;
      const label = o.classes[pk.c]!;
      const mean = o.meanSizes[label]!;
      const size: [number, number, number] = [mean[0] * Math.exp(out[base + 3]!), mean[1] * Math.exp(out[base + 4]!), mean[2] * Math.exp(out[base + 5]!)];
      const centre: [number, number, number] = [x, y, z];
      const yaw = yawFromObservation(Math.atan2(out[base + 6]!, out[base + 7]!), centre);
      const box2d = boxAt(out, base + 8, i, j, s);
      if (kept.some((d) => d.label === label && iou2d(d.box2d, box2d) > nmsIoU)) continue;
      kept.push({ label, centre, size, yaw, score: pk.score, box2d, cell: pk.p });
    }
    result.push(kept);
  }
  return result;
}

/** The 2-D box [u0, v0, u1, v1] (pixels) of cell (i, j) from its four log distances out[at .. at + 4) (strides). */
export function boxAt(out: ArrayLike<number>, at: number, i: number, j: number, stride: number): [number, number, number, number] {
  const lu = j * stride + (stride - 1) / 2, lv = i * stride + (stride - 1) / 2;
  return [lu - Math.exp(out[at]!) * stride, lv - Math.exp(out[at + 1]!) * stride, lu + Math.exp(out[at + 2]!) * stride, lv + Math.exp(out[at + 3]!) * stride];
}

/** IoU of two boxes [u0, v0, u1, v1]. */
export function iou2d(a: readonly number[], b: readonly number[]): number {
  const iw = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!)), ih = Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
  const inter = iw * ih;
  const union = (a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - inter;
  return union > 0 ? inter / union : 0;
}
