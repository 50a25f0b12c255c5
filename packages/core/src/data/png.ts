/**
 * PNG images as [H, W, C] arrays: C = 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA),
 * 8 or 16 bits per sample. Palette images decode to RGB(A); 1/2/4-bit grey keeps its
 * stored levels in `raw` and scales them by 2^depth − 1.
 */
import { readBytes } from './read_bytes.js';
import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';
import { IOError, ShapeError, ValueError } from '../errors.js';
import { writeFileAtomic } from './atomic_write.js';

/** A decoded PNG. */
export interface PngImage {
  /** [H, W, C] */
  readonly shape: [number, number, number];
  /** [H, W, C] samples in [0, 1] (raw / maxValue). */
  readonly data: Float32Array;
  /** [H, W, C] samples as stored: Uint16Array for 16-bit files, else Uint8Array. */
  readonly raw: Uint8Array | Uint16Array;
  /** Bit depth of the file (1, 2, 4, 8 or 16). */
  readonly bitDepth: number;
  /** The raw value that maps to 1 (255 for palette images, else 2^bitDepth − 1). */
  readonly maxValue: number;
}

/** Float image to encode: [H, W, C] values, nominally in [0, 1]. */
export type PngInput = tf.Tensor | { readonly data: ArrayLike<number>; readonly shape: readonly number[] };

export interface WritePngOptions {
  /** 8 (default) or 16 bits per sample. */
  readonly bitDepth?: 8 | 16;
  /**
   * Map the image's min..max to 0..1 before quantising (a constant image becomes 0).
   * Default false: values are clipped to [0, 1].
   */
  readonly autoScale?: boolean;
}

/** Decodes PNG bytes; a corrupt or truncated file gives an IOError naming `source`. */
export function decodePng(bytes: Uint8Array, source = '<bytes>'): PngImage {
  return decode(bytes, 'decodePng', source);
}

/** Reads a PNG file. */
export async function readPng(path: string): Promise<PngImage> {
  const bytes = await readBytes(path, 'readPng');
  return decode(bytes, 'readPng', path);
}

/** Encodes a float [H, W, C] image as PNG bytes (grey, grey+alpha, RGB or RGBA by C). */
export function encodePng(image: PngInput, options: WritePngOptions = {}): Uint8Array {
  return encode(image, options, 'encodePng');
}

/** Writes a float [H, W, C] image as a PNG file atomically. */
export async function writePng(path: string, image: PngInput, options: WritePngOptions = {}): Promise<void> {
  await writeFileAtomic(path, encode(image, options, 'writePng'), 'writePng');
}

/** The largest image decoded (8192 x 8192): a header can claim 60000 x 60000, which would take 14 GB. */
export const MAX_PNG_PIXELS = 8192 * 8192;

/** Width and height from the IHDR chunk (bytes 16..23), checked before anything is allocated. */
function checkHeaderSize(bytes: Uint8Array, fn: string, source: string): void {
  const IHDR = [0x49, 0x48, 0x44, 0x52];
  if (bytes.length < 24 || !IHDR.every((b, i) => bytes[12 + i] === b)) return; // pngjs names what is wrong
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const w = view.getUint32(16), h = view.getUint32(20);
  if (w * h > MAX_PNG_PIXELS) {
    throw new IOError(`${fn}: ${source}: the header declares ${w}x${h} pixels, more than the limit of ${MAX_PNG_PIXELS} (8192x8192); refusing to allocate it`, source);
  }
}

function decode(bytes: Uint8Array, fn: string, source: string): PngImage {
  checkHeaderSize(bytes, fn, source);
  let png: ReturnType<typeof PNG.sync.read>;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { skipRescale: true });
  } catch (e) {
    throw new IOError(`${fn}: ${source}: corrupt or truncated PNG (${(e as Error).message})`, source);
  }
  const { width: w, height: h, depth } = png;
  const c = (png.color ? 3 : 1) + (png.alpha ? 1 : 0);
  const rgba = png.data as unknown as Uint8Array | Uint16Array;
  if (!rgba || rgba.length !== w * h * 4) {
    throw new IOError(`${fn}: ${source}: corrupt PNG (decoded ${rgba?.length} samples for ${w}x${h})`, source);
  }
  const maxValue = png.palette ? 255 : 2 ** depth - 1;
  const raw = depth === 16 ? new Uint16Array(w * h * c) : new Uint8Array(w * h * c);
  const data = new Float32Array(w * h * c);
  // RGBA -> C channels: grey is R, grey+alpha is R and A.
  const src = c === 1 ? [0] : c === 2 ? [0, 3] : c === 3 ? [0, 1, 2] : [0, 1, 2, 3];
  for (let p = 0; p < w * h; p++) {
    for (let k = 0; k < c; k++) {
      const v = rgba[4 * p + src[k]!]!;
      raw[p * c + k] = v;
      data[p * c + k] = v / maxValue;
    }
  }
  return { shape: [h, w, c], data, raw, bitDepth: depth, maxValue };
}

const COLOR_TYPE = { 1: 0, 2: 4, 3: 2, 4: 6 } as const; // channels -> PNG colour type

function encode(image: PngInput, options: WritePngOptions, fn: string): Uint8Array {
  const shape = image.shape;
  const values = image instanceof tf.Tensor ? image.dataSync() : image.data;
  const [h, w, c] = shape as [number, number, number];
  if (shape.length !== 3 || !(c >= 1 && c <= 4) || h < 1 || w < 1) {
    throw new ShapeError(`${fn}: expected shape [H, W, C] with H, W >= 1 and C in 1..4, got [${shape.join(', ')}]`, shape, ['H', 'W', 'C']);
  }
  if (values.length !== h * w * c) {
    throw new ShapeError(`${fn}: shape [${shape.join(', ')}] needs ${h * w * c} values, got ${values.length}`, shape, ['H', 'W', 'C']);
  }
  const bitDepth = options.bitDepth ?? 8;
  if (bitDepth !== 8 && bitDepth !== 16) throw new ValueError(`${fn}: bitDepth must be 8 or 16, got ${bitDepth}`);
  let lo = 0;
  let scale = 1;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) throw new ValueError(`${fn}: value at flat index ${i} is ${values[i]} (must be finite)`);
  }
  if (options.autoScale) {
    let hi = -Infinity;
    lo = Infinity;
    for (let i = 0; i < values.length; i++) {
      lo = Math.min(lo, values[i]!);
      hi = Math.max(hi, values[i]!);
    }
    scale = hi > lo ? 1 / (hi - lo) : 0;
  }
  const maxValue = bitDepth === 16 ? 65535 : 255;
  const q = bitDepth === 16 ? new Uint16Array(values.length) : new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Math.min(1, Math.max(0, (values[i]! - lo) * scale));
    q[i] = Math.round(v * maxValue);
  }
  const colorType = COLOR_TYPE[c as 1 | 2 | 3 | 4];
  // pngjs reads 16-bit input as native-endian uint16 through `data.buffer`, so it must own its buffer.
  const packerOptions = { colorType, inputColorType: colorType, bitDepth, inputHasAlpha: c === 2 || c === 4 } as const;
  const png = new PNG({ width: w, height: h, ...packerOptions });
  png.data = Buffer.from(q.buffer, 0, q.byteLength);
  return PNG.sync.write(png, packerOptions);
}
