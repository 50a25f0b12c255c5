/**
 * Predictions keyed by image (sha1 of its bytes, image_key.ts), in one JSON file:
 *   { "format": "lacuna-dine-predictions", "numClasses": K, "predictions": { "<sha1>": [p_0, …, p_K−1], … } }
 * It is both the HTTP client's on-disk cache (one such file per cache folder) and the file a
 * precomputed-predictions black box reads. Writes are atomic (write, fsync, rename).
 */
import { data, IOError, LacunaError } from '@lacuna/core';

export const PREDICTIONS_FORMAT = 'lacuna-dine-predictions';

export class PredictionStore {
  private readonly rows = new Map<string, Float32Array>();
  private dirty = false;

  constructor(readonly path: string, readonly numClasses: number) {}

  /** Opens `path` (an empty store when it does not exist and `mustExist` is false). */
  static async open(path: string, numClasses: number | null, mustExist = false): Promise<PredictionStore> {
    // Files come from core's Node entry (data.readBytes); a browser has none.
    if (typeof (data as { readBytes?: unknown }).readBytes !== 'function') throw new LacunaError('PredictionStore: prediction files need Node.js');
    let text: string | null = null;
    try {
      text = new TextDecoder().decode(await data.readBytes(path, 'PredictionStore'));
    } catch (e) {
      if (mustExist || (e as NodeJS.ErrnoException).code !== 'ENOENT') throw new IOError(`PredictionStore: cannot read ${path}: ${(e as Error).message.replace(/^PredictionStore: cannot read [^:]*: /, '')}`, path);
    }
    if (text === null) {
      if (numClasses === null) throw new IOError(`PredictionStore: ${path} does not exist and the number of classes is unknown`, path);
      return new PredictionStore(path, numClasses);
    }
    let json: { format?: unknown; numClasses?: unknown; predictions?: unknown };
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new IOError(`PredictionStore: ${path} is not valid JSON (${(e as Error).message})`, path);
    }
    const k = json.numClasses;
    if (json.format !== PREDICTIONS_FORMAT || !(Number.isInteger(k) && (k as number) > 0) || typeof json.predictions !== 'object' || json.predictions === null) {
      throw new IOError(`PredictionStore: ${path} is not a '${PREDICTIONS_FORMAT}' file with numClasses and predictions`, path);
    }
    if (numClasses !== null && k !== numClasses) throw new IOError(`PredictionStore: ${path} holds ${k}-class predictions, expected ${numClasses}`, path);
    const store = new PredictionStore(path, k as number);
    for (const [key, row] of Object.entries(json.predictions as Record<string, unknown>)) {
      if (!Array.isArray(row) || row.length !== k) throw new IOError(`PredictionStore: ${path}: entry ${key} is not an array of ${k} numbers`, path);
      store.rows.set(key, Float32Array.from(row as number[]));
    }
    return store;
  }

  get size(): number {
    return this.rows.size;
  }

  get(key: string): Float32Array | undefined {
    return this.rows.get(key);
  }

  set(key: string, row: Float32Array): void {
    this.rows.set(key, Float32Array.from(row));
    this.dirty = true;
  }

  /** Writes the file atomically if anything changed since the last save. */
  async save(): Promise<void> {
    if (!this.dirty) return;
    const predictions: Record<string, number[]> = {};
    for (const [key, row] of this.rows) predictions[key] = Array.from(row);
    const text = JSON.stringify({ format: PREDICTIONS_FORMAT, numClasses: this.numClasses, predictions });
    await data.writeFileAtomic(this.path, new TextEncoder().encode(text), 'PredictionStore');
    this.dirty = false;
  }
}
