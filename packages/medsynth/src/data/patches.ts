/**
 * Mini-batches from slice stacks: whole slices by index, or random square patches whose
 * centre pixel lies in the head mask (so training does not spend its steps on air).
 */
import { ValueError, type data } from '@lacuna/core';
import type { SliceStack } from './slice_stack.js';

/** Copies the [y, x, height, width] window of each listed slice: [B, height, width, C]. */
export function gatherWindows(stack: SliceStack, slices: readonly number[], ys: readonly number[], xs: readonly number[], height: number, width: number): SliceStack {
  const [, h, w, c] = stack.shape;
  const out = new Float32Array(slices.length * height * width * c);
  for (let b = 0; b < slices.length; b++) {
    const s = slices[b]!;
    for (let y = 0; y < height; y++) {
      const src = ((s * h + ys[b]! + y) * w + xs[b]!) * c;
      out.set(stack.data.subarray(src, src + width * c), (b * height + y) * width * c);
    }
  }
  return { data: out, shape: [slices.length, height, width, c] };
}

/** Whole slices by index: [B, H, W, C]. */
export function gatherSlices(stack: SliceStack, slices: readonly number[]): SliceStack {
  const zeros = slices.map(() => 0);
  return gatherWindows(stack, slices, zeros, zeros, stack.shape[1], stack.shape[2]);
}

/** A paired batch. */
export interface PairedBatch {
  readonly source: SliceStack;
  readonly target: SliceStack;
  readonly mask: SliceStack;
  readonly labels?: SliceStack;
}

/**
 * Samples `batch` random patches of `size`×`size` whose centre is in the mask.
 * (Rejection sampling; after 1000 misses a patch is taken wherever it fell.) The mask stack
 * is [N, H, W, 1] with 1 inside the head. Returns matching source, target, mask (and label) windows.
 * `from`: draw only from these slices (default all).
 */
export function samplePatches(source: SliceStack, target: SliceStack, mask: SliceStack, size: number, batch: number, rng: data.Random, labels?: SliceStack, from?: readonly number[]): PairedBatch {
  const [n, h, w] = mask.shape;
  if (from && from.length === 0) throw new ValueError('samplePatches: no slices to draw from');
  if (size > h || size > w) throw new ValueError(`samplePatches: patch size ${size} exceeds the slice size ${h}x${w}`);
  const slices: number[] = [];
  const ys: number[] = [];
  const xs: number[] = [];
  const half = size >> 1;
  for (let b = 0; b < batch; b++) {
    let tries = 0;
    for (;;) {
      const s = from ? from[rng.int(0, from.length)]! : rng.int(0, n);
      const y = rng.int(0, h - size + 1);
      const x = rng.int(0, w - size + 1);
      if (mask.data[(s * h + y + half) * w + x + half]! > 0.5 || ++tries > 1000) {
        slices.push(s);
        ys.push(y);
        xs.push(x);
        break;
      }
    }
  }
  return {
    source: gatherWindows(source, slices, ys, xs, size, size),
    target: gatherWindows(target, slices, ys, xs, size, size),
    mask: gatherWindows(mask, slices, ys, xs, size, size),
    ...(labels ? { labels: gatherWindows(labels, slices, ys, xs, size, size) } : {}),
  };
}
