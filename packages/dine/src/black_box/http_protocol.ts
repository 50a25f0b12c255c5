/**
 * The black-box HTTP protocol between `lacuna dine serve` and `HttpBlackBox`:
 *   GET  /info     → { "name": string, "numClasses": K, "height": H, "width": W, "answer": "full" | "top-k:K" | "label" }
 *   POST /predict  { "count": n, "height": H, "width": W, "pixels": base64 of n·H·W uint8 }
 *                  → { "probabilities": [[p_0 … p_K−1], …] }  (n rows; a full answer)
 *                  | { "topk": [{ "classes": [c…], "probabilities": [p…] }, …] }  (top k)
 *                  | { "labels": [c, …] }  (label only)
 * Errors answer 4xx/5xx with { "error": message }.
 */
import type { ImageBatch } from '../data/digit_set.js';

export interface BlackBoxInfo {
  readonly name: string;
  readonly numClasses: number;
  readonly height: number;
  readonly width: number;
  /** 1 (grey, when absent) or 3. */
  readonly channels?: number;
  /** What it returns per image (absent: full probabilities). */
  readonly answer?: string;
}

export interface PredictRequest {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  /** Absent for grey images. */
  readonly channels?: number;
  readonly pixels: string;
}

/** Base64 of bytes with the platform's btoa (Node 16+ and browsers). */
export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Bytes of base64 text; throws on characters outside the alphabet. */
export function base64ToBytes(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function encodePredictRequest(images: ImageBatch): string {
  const c = images.channels ?? 1;
  const body: PredictRequest = { count: images.count, height: images.height, width: images.width, ...(c !== 1 ? { channels: c } : {}), pixels: bytesToBase64(images.pixels) };
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
  const channels = body.channels ?? 1;
  for (const [k, v] of Object.entries({ count, height, width, channels })) if (!(Number.isInteger(v) && (v as number) > 0)) throw new Error(`'${k}' must be a positive integer`);
  if (typeof pixels !== 'string') throw new Error("'pixels' must be a base64 string");
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(pixels);
  } catch {
    throw new Error("'pixels' is not valid base64");
  }
  const need = count! * height! * width! * channels;
  if (bytes.length !== need) throw new Error(`'pixels' holds ${bytes.length} bytes, ${count}x${height}x${width}${channels !== 1 ? `x${channels}` : ''} needs ${need}`);
  return { pixels: bytes, count: count!, height: height!, width: width!, ...(channels !== 1 ? { channels } : {}) };
}
