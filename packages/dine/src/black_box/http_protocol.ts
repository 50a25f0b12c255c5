/**
 * The black-box HTTP protocol between `lacuna dine serve` and `HttpBlackBox`:
 *   GET  /info     → { "name": string, "numClasses": K, "height": H, "width": W }
 *   POST /predict  { "count": n, "height": H, "width": W, "pixels": base64 of n·H·W uint8 }
 *                  → { "probabilities": [[p_0 … p_K−1], …] }  (n rows)
 * Errors answer 4xx/5xx with { "error": message }.
 */
import type { ImageBatch } from '../data/digit_set.js';

export interface BlackBoxInfo {
  readonly name: string;
  readonly numClasses: number;
  readonly height: number;
  readonly width: number;
}

export interface PredictRequest {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly pixels: string;
}

export function encodePredictRequest(images: ImageBatch): string {
  const body: PredictRequest = { count: images.count, height: images.height, width: images.width, pixels: Buffer.from(images.pixels.buffer, images.pixels.byteOffset, images.pixels.byteLength).toString('base64') };
  return JSON.stringify(body);
}

/** Parses a request body; throws an Error with a message for the 400 answer. */
export function decodePredictRequest(text: string): ImageBatch {
  let body: Partial<PredictRequest>;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error('body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error(`body must be a JSON object {count, height, width, pixels}, got ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}`);
  const { count, height, width, pixels } = body;
  for (const [k, v] of Object.entries({ count, height, width })) if (!(Number.isInteger(v) && (v as number) > 0)) throw new Error(`'${k}' must be a positive integer`);
  if (typeof pixels !== 'string') throw new Error("'pixels' must be a base64 string");
  const bytes = new Uint8Array(Buffer.from(pixels, 'base64'));
  if (bytes.length !== count! * height! * width!) throw new Error(`'pixels' holds ${bytes.length} bytes, ${count}x${height}x${width} needs ${count! * height! * width!}`);
  return { pixels: bytes, count: count!, height: height!, width: width! };
}
