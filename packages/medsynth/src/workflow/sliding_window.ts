/**
 * Sliding-window prediction over slices (MONAI's sliding_window_inference, in 2-D): square
 * windows with overlap cover each slice, go through the model a batch at a time, and are blended
 * with a Gaussian importance map (sigma = 0.125 of the window, as MONAI's 'gaussian' mode), so
 * window borders, where a network sees least context, count least. Slices smaller than the
 * window are padded with the background value −1.
 */
import { ValueError } from '@lacuna/core';
import type { SliceStack } from '../data/slice_stack.js';
import type { SliceSynthesizer } from './slice_synthesizer.js';

export interface SlidingWindowOptions {
  /** Window side in pixels. */
  readonly window: number;
  /** Overlap of neighbouring windows, in [0, 1). Default 0.25 (MONAI's default). */
  readonly overlap?: number;
  /** Windows per forward pass. Default 8. */
  readonly batch?: number;
  /** Called after each batch with the windows done and their total. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Window starts along an axis of length n (window w, stride s): 0, s, 2s, ... and n − w last. */
export function windowStarts(n: number, w: number, s: number): number[] {
  if (n <= w) return [0];
  const starts: number[] = [];
  for (let p = 0; p + w < n; p += s) starts.push(p);
  starts.push(n - w);
  return starts;
}

/** A w x w Gaussian importance map, max 1, sigma 0.125·w; no weight below 1e-3 (edges still count). */
export function gaussianImportance(w: number): Float32Array {
  const sigma = 0.125 * w;
  const c = (w - 1) / 2;
  const g = new Float32Array(w * w);
  for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) g[y * w + x] = Math.max(1e-3, Math.exp(-((y - c) ** 2 + (x - c) ** 2) / (2 * sigma * sigma)));
  return g;
}

/** [N, H, W, C] → [N, H, W, 1], window by window; `mask` [N, H, W, 1] goes to the model in windows too. */
export function slidingWindowPredict(synthesizer: SliceSynthesizer, source: SliceStack, options: SlidingWindowOptions, mask?: SliceStack): SliceStack {
  const [N, H, W, C] = source.shape;
  const w = options.window;
  const overlap = options.overlap ?? 0.25;
  if (!(Number.isInteger(w) && w >= 4)) throw new ValueError(`sliding window: the window must be an integer of at least 4 pixels, got ${w}`);
  if (!(overlap >= 0 && overlap < 1)) throw new ValueError(`sliding window: overlap must be in [0, 1), got ${overlap}`);
  const stride = Math.max(1, Math.floor(w * (1 - overlap)));
  const batch = options.batch ?? 8;
  const importance = gaussianImportance(w);
  const ys = windowStarts(H, w, stride), xs = windowStarts(W, w, stride);
  const windows: [number, number, number][] = [];
  for (let n = 0; n < N; n++) for (const y of ys) for (const x of xs) windows.push([n, y, x]);
  const sum = new Float32Array(N * H * W);
  const weight = new Float32Array(N * H * W);
  for (let start = 0; start < windows.length; start += batch) {
    const chunk = windows.slice(start, start + batch);
    const input = new Float32Array(chunk.length * w * w * C).fill(-1);
    chunk.forEach(([n, y0, x0], b) => {
      for (let y = 0; y < w && y0 + y < H; y++) {
        const src = ((n * H + y0 + y) * W + x0) * C;
        const len = Math.min(w, W - x0) * C;
        input.set(source.data.subarray(src, src + len), (b * w + y) * w * C);
      }
    });
    let maskWindows: SliceStack | undefined;
    if (mask) {
      const m = new Float32Array(chunk.length * w * w);
      chunk.forEach(([n, y0, x0], b) => {
        for (let y = 0; y < w && y0 + y < H; y++) m.set(mask.data.subarray((n * H + y0 + y) * W + x0, (n * H + y0 + y) * W + Math.min(W, x0 + w)), (b * w + y) * w);
      });
      maskWindows = { data: m, shape: [chunk.length, w, w, 1] };
    }
    const out = synthesizer.predict({ data: input, shape: [chunk.length, w, w, C] }, maskWindows);
    chunk.forEach(([n, y0, x0], b) => {
      for (let y = 0; y < w && y0 + y < H; y++) {
        for (let x = 0; x < w && x0 + x < W; x++) {
          const g = importance[y * w + x]!;
          const o = (n * H + y0 + y) * W + x0 + x;
          sum[o]! += g * out.data[(b * w + y) * w + x]!;
          weight[o]! += g;
        }
      }
    });
    options.onProgress?.(Math.min(windows.length, start + batch), windows.length);
  }
  for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! / weight[i]!;
  return { data: sum, shape: [N, H, W, 1] };
}
