/**
 * Partial occlusion: random textured shapes painted over the rendered object, each kept only
 * if the occluded share of the object's silhouette stays within a limit (LineMOD-Occlusion
 * style, at most ~30 % by default). A rejected shape is shrunk and tried again.
 */
import type { data } from '@lacuna/core';
import { drawShape } from './background.js';

/**
 * Paints 1–3 occluders over `image` [H, W, 3] (W = `size`, H = `height`, default square) near
 * the object of silhouette `objectMask` [H, W] (1 = object), marking them in `occluded`
 * [H, W]. Returns the occluded fraction of the silhouette (≤ maxFraction). Shapes are sized
 * by `scale` (the object's extent in pixels; default the image side).
 */
export function drawOccluders(
  rng: data.Random,
  size: number,
  image: Float32Array,
  objectMask: Uint8Array,
  occluded: Uint8Array,
  maxFraction: number,
  height = size,
  scale = size,
): number {
  const W = size, H = height;
  const objectPixels: number[] = [];
  for (let p = 0; p < objectMask.length; p++) if (objectMask[p]) objectPixels.push(p);
  if (objectPixels.length === 0) return 0;
  const scratchImage = new Float32Array(image.length);
  const scratchMask = new Uint8Array(objectMask.length);
  let hidden = 0;
  const count = rng.int(1, 4);
  for (let k = 0; k < count; k++) {
    const anchor = rng.choice(objectPixels);
    let cx = (anchor % W) + rng.uniform(-scale / 8, scale / 8), cy = Math.floor(anchor / W) + rng.uniform(-scale / 8, scale / 8);
    let rx = rng.uniform(scale / 16, scale / 4), ry = rng.uniform(scale / 16, scale / 4);
    for (let attempt = 0; attempt < 4; attempt++) {
      scratchMask.fill(0);
      drawShape(rng, W, scratchImage, scratchMask, { cx, cy, rx, ry }, H);
      let extra = 0;
      for (const p of objectPixels) if (scratchMask[p] && !occluded[p]) extra++;
      if ((hidden + extra) / objectPixels.length <= maxFraction) {
        for (let p = 0; p < scratchMask.length; p++) {
          if (!scratchMask[p]) continue;
          occluded[p] = 1;
          image[p * 3] = scratchImage[p * 3]!; image[p * 3 + 1] = scratchImage[p * 3 + 1]!; image[p * 3 + 2] = scratchImage[p * 3 + 2]!;
        }
        hidden += extra;
        break;
      }
      rx *= 0.6; ry *= 0.6;
      // Slide the shape towards the silhouette's edge so a smaller one hides less.
      cx += rng.uniform(-scale / 8, scale / 8); cy += rng.uniform(-scale / 8, scale / 8);
    }
  }
  return hidden / objectPixels.length;
}
