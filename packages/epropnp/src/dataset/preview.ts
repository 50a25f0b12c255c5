/**
 * A preview sheet of a data set: for each sample, the crop, the crop with the visible mask
 * tinted and occluded silhouette parts marked, and the coordinate map (x3d / halfExtent mapped
 * to RGB, black off the object), side by side, samples in a grid.
 */
import { ValueError } from '@lacuna/core';
import type { PoseDataset } from './pose_dataset.js';

/** [rows·S, cols·3·S, 3] RGB in [0, 1] for the first `count` samples, `columns` samples per row. */
export function previewSheet(ds: PoseDataset, count = 16, columns = 4): { data: Float32Array; shape: [number, number, number] } {
  const n = Math.min(count, ds.count);
  if (!(Number.isInteger(n) && n >= 1 && Number.isInteger(columns) && columns >= 1)) throw new ValueError(`previewSheet: need count >= 1 and columns >= 1, got ${count}, ${columns}`);
  const S = ds.cropSize, px = S * S;
  const cols = Math.min(columns, n), rows = Math.ceil(n / cols);
  const W = cols * 3 * S, H = rows * S;
  const out = new Float32Array(H * W * 3);
  for (let i = 0; i < n; i++) {
    const top = Math.floor(i / cols) * S, left = (i % cols) * 3 * S;
    for (let r = 0; r < S; r++) {
      for (let c = 0; c < S; c++) {
        const p = i * px + r * S + c;
        const rgb = [0, 1, 2].map((k) => ds.images[p * 3 + k]! / 255);
        const visible = ds.masks[p]!, onObject = ds.objectMasks[p]!;
        const tint = visible ? [0.5 * rgb[0]! + 0.5, 0.5 * rgb[1]!, 0.5 * rgb[2]!] : onObject ? [0.5 * rgb[0]!, 0.5 * rgb[1]!, 0.5 * rgb[2]! + 0.5] : rgb.map((v) => 0.5 * v);
        const coord = [0, 1, 2].map((k) => (onObject ? 0.5 + ds.x3d[p * 3 + k]! / (2 * ds.object.halfExtent[k]!) : 0));
        for (const [j, cell] of [rgb, tint, coord].entries()) {
          const o = ((top + r) * W + left + j * S + c) * 3;
          out[o] = cell[0]!; out[o + 1] = cell[1]!; out[o + 2] = cell[2]!;
        }
      }
    }
  }
  return { data: out, shape: [H, W, 3] };
}
