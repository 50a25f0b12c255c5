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
