/**
 * PNG images as [H, W, C] arrays: C = 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA),
 * 8 or 16 bits per sample. Palette images decode to RGB(A); 1/2/4-bit grey keeps its
 * stored levels in `raw` and scales them by 2^depth − 1. Pure JavaScript (fast-png), so the
 * same code runs in browsers; reading and writing files is in files.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { convertIndexedToRgb, decode as decodePngBytes, encode as encodePngBytes, type DecodedPng } from 'fast-png';
import { IOError, ShapeError, ValueError } from '../errors.js';

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
  return decodePngAs(bytes, 'decodePng', source);
}

/** Encodes a float [H, W, C] image as PNG bytes (grey, grey+alpha, RGB or RGBA by C). */
export function encodePng(image: PngInput, options: WritePngOptions = {}): Uint8Array {
  return encodePngAs(image, options, 'encodePng');
}

/** The largest image decoded (8192 x 8192): a header can claim 60000 x 60000, which would take 14 GB. */
export const MAX_PNG_PIXELS = 8192 * 8192;

/** Width and height from the IHDR chunk (bytes 16..23), checked before anything is allocated. */
function checkHeaderSize(bytes: Uint8Array, fn: string, source: string): void {
  const IHDR = [0x49, 0x48, 0x44, 0x52];
  if (bytes.length < 24 || !IHDR.every((b, i) => bytes[12 + i] === b)) return; // the decoder names what is wrong
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const w = view.getUint32(16), h = view.getUint32(20);
  if (w * h > MAX_PNG_PIXELS) {
    throw new IOError(`${fn}: ${source}: the header declares ${w}x${h} pixels, more than the limit of ${MAX_PNG_PIXELS} (8192x8192); refusing to allocate it`, source);
  }
}

/** decodePng for `fn`: errors are IOErrors naming `fn` and `source`. */
export function decodePngAs(bytes: Uint8Array, fn: string, source: string): PngImage {
  checkHeaderSize(bytes, fn, source);
  let png: DecodedPng;
  try {
    png = decodePngBytes(bytes, { checkCrc: true });
  } catch (e) {
    throw new IOError(`${fn}: ${source}: corrupt or truncated PNG (${(e as Error).message})`, source);
  }
  const { width: w, height: h, depth } = png;
  let c = png.channels;
  let samples: Uint8Array | Uint16Array | Uint8ClampedArray = png.data;
  let maxValue = 2 ** depth - 1;
  if (png.palette) {
    samples = convertIndexedToRgb(png);
    c = samples.length / (w * h);
    maxValue = 255;
  } else if (depth < 8) {
    samples = unpackBits(png.data, w, h, c, depth);
  }
  if (!samples || samples.length !== w * h * c || !(c >= 1 && c <= 4)) {
    throw new IOError(`${fn}: ${source}: corrupt PNG (decoded ${samples?.length} samples for ${w}x${h}x${c})`, source);
  }
  const raw = depth === 16 ? Uint16Array.from(samples) : Uint8Array.from(samples);
  const data = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) data[i] = raw[i]! / maxValue;
  return { shape: [h, w, c], data, raw, bitDepth: depth, maxValue };
}

/** 1/2/4-bit samples, packed MSB first with each row starting on a byte, one per element. */
function unpackBits(packed: ArrayLike<number>, w: number, h: number, c: number, depth: number): Uint8Array {
  const rowBytes = Math.ceil((w * c * depth) / 8);
  const perByte = 8 / depth;
  const mask = (1 << depth) - 1;
  const out = new Uint8Array(w * h * c);
  for (let y = 0; y < h; y++) {
    for (let i = 0; i < w * c; i++) {
      const byte = packed[y * rowBytes + Math.floor(i / perByte)]!;
      out[y * w * c + i] = (byte >> (8 - depth * ((i % perByte) + 1))) & mask;
    }
  }
  return out;
}

/** encodePng for `fn`: errors name `fn`. */
export function encodePngAs(image: PngInput, options: WritePngOptions, fn: string): Uint8Array {
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
  return encodePngBytes({ width: w, height: h, data: q, depth: bitDepth, channels: c });
}
