/**
 * From dense network outputs to the PnP layer's correspondence set, as EPro-PnP's LineMOD
 * training does: every output pixel is a 2D–3D correspondence whose 2D point is the pixel's
 * centre mapped back through its crop box to image coordinates, whose 3D point is the
 * predicted object coordinate, and whose weights are a softmax over the points (per u/v
 * channel) times the predicted global scale. During training EPro-PnP keeps a random 1/8 of
 * the pixels per sample; the softmax is taken over the kept points (as there).
 *
 * Output pixel (r, c) of an H x W map of box (cx, cy, size) lies at image coordinates
 *   u = cx − size/2 + (c + 0.5) · size/W,  v = cy − size/2 + (r + 0.5) · size/H
 * (pixel centres at integer image coordinates, the renderer's convention; crop.ts).
 */
import { data, ShapeError, tf, ValueError } from '@lacuna/core';
import type { CdpnOutputs } from './cdpn_net.js';
import { gatherRows } from './gather_rows.js';

/** The PnP layer's inputs. */
export interface PnpInputs {
  /** [B, N, 3] object coordinates, metres (carries gradients to the network). */
  readonly x3d: tf.Tensor3D;
  /** [B, N, 2] image pixel coordinates (constants). */
  readonly x2d: tf.Tensor3D;
  /** [B, N, 2] positive weights; each channel sums to the sample's scale (carries gradients). */
  readonly w2d: tf.Tensor3D;
  /** [B, N] flat output-pixel index (r · W + c) of each point (its pixel, whatever its hypothesis). */
  readonly indices: Int32Array;
}

export interface PnpInputOptions {
  /** Keep this many random points (pixel hypotheses) per sample (without replacement); default all. EPro-PnP keeps H·W/8. */
  readonly points?: number;
  /** Generator for the subsampling (required with `points`). */
  readonly rng?: data.Random;
}

/** [B, H·W, 2] image coordinates of the output pixel centres of each box; boxes [B, 3] = (cx, cy, size). */
export function pixelGridX2d(boxes: ArrayLike<number>, height: number, width: number): Float32Array {
  const B = boxes.length / 3;
  const out = new Float32Array(B * height * width * 2);
  for (let b = 0; b < B; b++) {
    const cx = boxes[b * 3]!, cy = boxes[b * 3 + 1]!, size = boxes[b * 3 + 2]!;
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        const o = ((b * height + r) * width + c) * 2;
        out[o] = cx - size / 2 + ((c + 0.5) * size) / width;
        out[o + 1] = cy - size / 2 + ((r + 0.5) * size) / height;
      }
    }
  }
  return out;
}

/**
 * The correspondence set of network `outputs` for crops `boxes` [B, 3] (cx, cy, size in image
 * pixels). Gradients flow from x3d and w2d into the network's outputs.
 */
export function pnpInputs(outputs: CdpnOutputs, boxes: ArrayLike<number>, options: PnpInputOptions = {}): PnpInputs {
  const [B, H, W, C] = outputs.x3d.shape;
  // K hypotheses per pixel: point p of a sample is pixel floor(p / K), hypothesis p mod K.
  const K = C / 3;
  if (!Number.isInteger(K) || K < 1 || outputs.w2dLogits.shape.join() !== [B, H, W, 2 * K].join() || outputs.scale.shape.join() !== [B, 2].join()) {
    throw new ShapeError(
      `pnpInputs: expected x3d [B, H, W, 3K], w2dLogits [B, H, W, 2K], scale [B, 2], got [${outputs.x3d.shape}], [${outputs.w2dLogits.shape}], [${outputs.scale.shape}]`,
      outputs.x3d.shape,
      ['B', 'H', 'W', '3K'],
    );
  }
  if (boxes.length !== B * 3) throw new ValueError(`pnpInputs: boxes must be [B, 3] = ${B * 3} numbers, got ${boxes.length}`);
  const pixels = H * W;
  const HW = pixels * K;
  const N = options.points ?? HW;
  if (!(Number.isInteger(N) && N >= 1 && N <= HW)) throw new ValueError(`pnpInputs: points must be an integer in [1, ${HW}], got ${N}`);
  if (N < HW && !options.rng) throw new ValueError('pnpInputs: subsampling (points < H·W) needs an rng');
  const indices = new Int32Array(B * N);
  for (let b = 0; b < B; b++) {
    if (N === HW) for (let i = 0; i < N; i++) indices[b * N + i] = i;
    else indices.set(options.rng!.permutation(HW).subarray(0, N), b * N);
  }
  const grid = pixelGridX2d(boxes, H, W);
  const x2d = new Float32Array(B * N * 2);
  const flat = new Int32Array(B * N);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < N; i++) {
      const p = indices[b * N + i]!;
      const pixel = Math.floor(p / K);
      flat[b * N + i] = b * HW + p;
      x2d[(b * N + i) * 2] = grid[(b * pixels + pixel) * 2]!;
      x2d[(b * N + i) * 2 + 1] = grid[(b * pixels + pixel) * 2 + 1]!;
      indices[b * N + i] = pixel;
    }
  }
  return tf.tidy(() => {
    const x3d = tf.reshape(gatherRows(tf.reshape(outputs.x3d, [B * HW, 3]), flat), [B, N, 3]) as tf.Tensor3D;
    const logits = tf.reshape(gatherRows(tf.reshape(outputs.w2dLogits, [B * HW, 2]), flat), [B, N, 2]);
    // tf.softmax works on the last axis only: move the point axis there and back.
    const soft = tf.transpose(tf.softmax(tf.transpose(logits, [0, 2, 1])), [0, 2, 1]); // [B, N, 2]
    const w2d = tf.mul(soft, tf.expandDims(outputs.scale, 1)) as tf.Tensor3D;
    return { x3d, x2d: tf.tensor3d(x2d, [B, N, 2]), w2d, indices };
  });
}

/**
 * Camera clipping bounds for a crop's correspondences as EPro-PnP sets them: the span of the
 * output pixel centres widened by `borderPixels` output pixels (30 there) on each side.
 * Returns [lb_x, lb_y, ub_x, ub_y] in image pixels.
 */
export function cropBounds(box: ArrayLike<number>, outputSize: number, borderPixels = 30): [number, number, number, number] {
  const unit = box[2]! / outputSize;
  const x0 = box[0]! - box[2]! / 2 + unit / 2, y0 = box[1]! - box[2]! / 2 + unit / 2;
  const span = (outputSize - 1) * unit, border = borderPixels * unit;
  return [x0 - border, y0 - border, x0 + span + border, y0 + span + border];
}
