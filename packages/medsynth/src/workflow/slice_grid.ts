/**
 * A picture of slices for sample PNGs and reports: rows are slices, columns are stacks (e.g.
 * source | prediction | target), values in [−1, 1] mapped to [0, 1]. Rows of an axial slice run
 * along +y (posterior → anterior), so each image is flipped to show anterior at the top.
 */
import type { SliceStack } from '../data/slice_stack.js';

/** [rows·H, columns·W, 1] in [0, 1]; `channel` picks each column's channel (default its middle one). */
export function sliceGrid(columns: readonly SliceStack[], slices: readonly number[], channels?: readonly number[]): { data: Float32Array; shape: [number, number, number] } {
  const [, h, w] = columns[0]!.shape;
  const k = columns.length;
  const out = new Float32Array(slices.length * h * k * w);
  for (const [r, s] of slices.entries()) {
    for (const [col, stack] of columns.entries()) {
      const c = stack.shape[3];
      const ch = channels?.[col] ?? c >> 1;
      for (let y = 0; y < h; y++) {
        const row = (r * h + (h - 1 - y)) * k * w + col * w;
        for (let x = 0; x < w; x++) out[row + x] = Math.min(1, Math.max(0, (stack.data[((s * h + y) * w + x) * c + ch]! + 1) / 2));
      }
    }
  }
  return { data: out, shape: [slices.length * h, k * w, 1] };
}
