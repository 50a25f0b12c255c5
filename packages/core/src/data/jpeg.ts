/**
 * JPEG images as [H, W, C] arrays (C = 3, or 1 for grey files), samples in [0, 1], decoded by
 * jpeg-js (pure JavaScript, so the same code runs in browsers). The result has PngImage's
 * shape, so callers treat both formats alike (image.ts sniffs which one bytes are).
 */
import jpeg from 'jpeg-js';
import { IOError } from '../errors.js';
import { MAX_PNG_PIXELS, type PngImage } from './png.js';

/** Decodes JPEG bytes; a corrupt or truncated file gives an IOError naming `source`. */
export function decodeJpeg(bytes: Uint8Array, source = '<bytes>', fn = 'decodeJpeg'): PngImage {
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PNG_PIXELS / 1e6, maxMemoryUsageInMB: 1024 });
  } catch (e) {
    throw new IOError(`${fn}: ${source}: corrupt or truncated JPEG (${(e as Error).message})`, source);
  }
  const { width: w, height: h } = img;
  // jpeg-js always gives RGBA; a grey file has R = G = B everywhere.
  let grey = true;
  for (let p = 0; p < w * h && grey; p++) grey = img.data[p * 4] === img.data[p * 4 + 1] && img.data[p * 4] === img.data[p * 4 + 2];
  const c = grey ? 1 : 3;
  const raw = new Uint8Array(w * h * c);
  for (let p = 0; p < w * h; p++) for (let k = 0; k < c; k++) raw[p * c + k] = img.data[p * 4 + k]!;
  return { shape: [h, w, c], data: Float32Array.from(raw, (v) => v / 255), raw, bitDepth: 8, maxValue: 255 };
}
