/**
 * Square crops of the camera image, as CDPN's dynamic zoom-in takes them. A crop box is its
 * centre and side in image pixels; the crop is resampled to `cropSize` x `cropSize`.
 *
 * Pixel convention (image and crop alike): pixel (row r, column c) is centred at the
 * continuous coordinate (u, v) = (c, r), i.e. a pixel covers [c − 0.5, c + 0.5]. So crop pixel
 * (r, c) of a `cropSize` crop of box (cx, cy, size) is centred at the image point
 *   u = originX + c * scale,  v = originY + r * scale,
 *   scale = size / cropSize,  origin = (cx, cy) − size / 2 + scale / 2,
 * with (cx, cy) in the same continuous coordinates as projected points: the box spans
 * [cx − size/2, cx + size/2], and the box centre lands on the crop's centre (S/2 − 0.5).
 */
import type { Intrinsics } from '../geometry/camera.js';

/** A square crop box in image pixels. */
export interface CropBox {
  readonly cx: number;
  readonly cy: number;
  /** Side length in image pixels. */
  readonly size: number;
}

/** Image coordinates of crop pixel (0, 0)'s centre, and image pixels per crop pixel. */
export function cropOrigin(box: CropBox, cropSize: number): { x: number; y: number; scale: number } {
  const scale = box.size / cropSize;
  return { x: box.cx - box.size / 2 + scale / 2, y: box.cy - box.size / 2 + scale / 2, scale };
}

/** Image (u, v) of crop pixel (row, col) of a `cropSize` crop. */
export function cropPixelToImage(box: CropBox, cropSize: number, row: number, col: number): [number, number] {
  const o = cropOrigin(box, cropSize);
  return [o.x + col * o.scale, o.y + row * o.scale];
}

/**
 * The intrinsics of the crop seen as a camera of its own: projecting with these gives crop
 * pixel coordinates directly (u_crop = (u − originX) / scale), so a renderer can draw the crop
 * at crop resolution. Row-major 3x3.
 */
export function cropIntrinsics(intrinsics: Intrinsics, box: CropBox, cropSize: number): Float64Array {
  const o = cropOrigin(box, cropSize);
  return Float64Array.of(
    intrinsics.fx / o.scale, (intrinsics.s ?? 0) / o.scale, (intrinsics.cx - o.x) / o.scale,
    0, intrinsics.fy / o.scale, (intrinsics.cy - o.y) / o.scale,
    0, 0, 1,
  );
}

/**
 * Cuts the crop `box` out of an [H, W, C] image (values as given, e.g. [0, 1]) and resamples it
 * to [S, S, 3] bilinearly (grey is repeated, alpha dropped; outside the image is 0).
 */
export function cropImage(image: ArrayLike<number>, W: number, H: number, C: number, box: CropBox, S: number): Float32Array {
  const o = cropOrigin(box, S);
  const out = new Float32Array(S * S * 3);
  for (let r = 0; r < S; r++) {
    for (let c = 0; c < S; c++) {
      const u = o.x + c * o.scale, v = o.y + r * o.scale;
      const x0 = Math.floor(u), y0 = Math.floor(v), fx = u - x0, fy = v - y0;
      for (let k = 0; k < 3; k++) {
        const ch = C >= 3 ? k : 0;
        let s = 0;
        for (let dy = 0; dy < 2; dy++) {
          for (let dx = 0; dx < 2; dx++) {
            const x = x0 + dx, y = y0 + dy;
            if (x >= 0 && y >= 0 && x < W && y < H) s += (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy) * image[(y * W + x) * C + ch]!;
          }
        }
        out[(r * S + c) * 3 + k] = s;
      }
    }
  }
  return out;
}
