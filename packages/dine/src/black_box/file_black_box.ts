/**
 * A black box whose answers were computed beforehand and stored in a predictions file
 * (prediction_store.ts): each queried image is looked up by the sha1 of its bytes. An image
 * the file does not hold is an error naming the item and the file.
 */
import { IOError } from '@lacuna/core';
import type { ImageBatch } from '../data/digit_set.js';
import { imageKey } from './image_key.js';
import type { BlackBoxPredictor } from './predictor.js';
import { PredictionStore } from './prediction_store.js';
import { validateProbabilities, type ValidateOptions } from './validate_probabilities.js';

export class FileBlackBox implements BlackBoxPredictor {
  private constructor(private readonly store: PredictionStore, private readonly validate: ValidateOptions) {}

  static async open(path: string, options: ValidateOptions = {}): Promise<FileBlackBox> {
    return new FileBlackBox(await PredictionStore.open(path, null, true), options);
  }

  get name(): string {
    return this.store.path;
  }

  get numClasses(): number {
    return this.store.numClasses;
  }

  async predict(images: ImageBatch): Promise<Float32Array> {
    const k = this.numClasses;
    const out = new Float32Array(images.count * k);
    for (let i = 0; i < images.count; i++) {
      const row = this.store.get(imageKey(images, i));
      if (!row) throw new IOError(`black box ${this.name}: item ${i}: this image (sha1 ${imageKey(images, i).slice(0, 12)}…) has no stored prediction`, this.name);
      out.set(row, i * k);
    }
    return validateProbabilities(out, images.count, k, this.name, this.validate);
  }
}

/** Queries `box` for every image and writes the answers as a predictions file at `path`. */
export async function writePredictionsFile(path: string, box: BlackBoxPredictor, images: ImageBatch): Promise<void> {
  const store = new PredictionStore(path, box.numClasses);
  const probs = await box.predict(images);
  for (let i = 0; i < images.count; i++) store.set(imageKey(images, i), probs.subarray(i * box.numClasses, (i + 1) * box.numClasses));
  await store.save();
}
