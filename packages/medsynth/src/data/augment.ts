/**
 * Random changes to a training batch, drawn per sample from the training generator (so a
 * seed gives the same batches): a left-right mirror of every stack, and a gain on the source's
 * intensities. Intensities are normalised to [−1, 1] with −1 at zero signal, so the gain
 * scales the signal above that floor: x → (x + 1)·g − 1.
 */
import type { data } from '@lacuna/core';
import type { PairedBatch } from './patches.js';
import type { SliceStack } from './slice_stack.js';

export interface BatchAugment {
  /** Mirror each sample left to right with probability 1/2. */
  readonly flip: boolean;
  /** Source gain drawn uniformly from [1 − intensity, 1 + intensity]; 0 leaves it. */
  readonly intensity: number;
}

/** Mirrors sample b of a [B, H, W, C] stack left to right, in place. */
function mirrorSample(stack: SliceStack, b: number): void {
  const [, h, w, c] = stack.shape;
  const d = stack.data;
  for (let y = 0; y < h; y++) {
    const row = (b * h + y) * w * c;
    for (let x = 0; x < w >> 1; x++) {
      const l = row + x * c, r = row + (w - 1 - x) * c;
      for (let k = 0; k < c; k++) {
        const t = d[l + k]!;
        d[l + k] = d[r + k]!;
        d[r + k] = t;
      }
    }
  }
}

/** An augmented copy of `batch` (the input is left as it is). */
export function augmentBatch(batch: PairedBatch, aug: BatchAugment, rng: data.Random): PairedBatch {
  if (!aug.flip && aug.intensity === 0) return batch;
  const copy = (s: SliceStack): SliceStack => ({ data: Float32Array.from(s.data), shape: s.shape });
  const out = { source: copy(batch.source), target: copy(batch.target), mask: copy(batch.mask), ...(batch.labels ? { labels: copy(batch.labels) } : {}) };
  const [B, h, w, c] = out.source.shape;
  const per = h * w * c;
  for (let b = 0; b < B; b++) {
    if (aug.flip && rng.uniform() < 0.5) for (const s of [out.source, out.target, out.mask, ...(out.labels ? [out.labels] : [])]) mirrorSample(s, b);
    if (aug.intensity > 0) {
      const g = 1 + aug.intensity * (2 * rng.uniform() - 1);
      const d = out.source.data;
      for (let i = b * per; i < (b + 1) * per; i++) d[i] = (d[i]! + 1) * g - 1;
    }
  }
  return out;
}
