/** A small RGB canvas for the detection pictures: dots and lines, clipped to its edges. */

export interface Canvas {
  /** [H, W, 3] RGB in [0, 1]. */
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
}

/** A (2r + 1)-pixel square dot centred at (x, y). */
export function dot(cv: Canvas, x: number, y: number, r: number, colour: readonly number[]): void {
  for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
    const px = Math.round(x) + dx, py = Math.round(y) + dy;
    if (px >= 0 && py >= 0 && px < cv.width && py < cv.height) cv.data.set(colour.slice(0, 3), (py * cv.width + px) * 3);
  }
}

/** A one-pixel line from (x0, y0) to (x1, y1); nothing for absurd lengths (a point projected from behind the camera). */
export function line(cv: Canvas, x0: number, y0: number, x1: number, y1: number, colour: readonly number[]): void {
  const n = Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))) + 1;
  if (!(n < 1e5)) return;
  for (let k = 0; k <= n; k++) dot(cv, x0 + ((x1 - x0) * k) / n, y0 + ((y1 - y0) * k) / n, 0, colour);
}
