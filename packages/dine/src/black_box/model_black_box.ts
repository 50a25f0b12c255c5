/**
 * A black box around an in-process model: softmax of its logits, computed in inference mode
 * in batches. Only the probabilities leave it.
 */
import { tf, type tfl, checkSameShape } from '@lacuna/core';
import { inputBatch, type ImageBatch } from '../data/digit_set.js';
import type { BlackBoxPredictor } from './predictor.js';

export class ModelBlackBox implements BlackBoxPredictor {
  readonly numClasses: number;

  constructor(private readonly model: tfl.LayersModel, readonly name = model.name, private readonly batchSize = 500) {
    this.numClasses = (model.outputs[0]!.shape as number[])[1]!;
  }

  async predict(images: ImageBatch): Promise<Float32Array> {
    return predictProbabilities(this.model, images, this.batchSize);
  }
}

/** softmax(model(x)) for every image: [count, K] (inference mode, batches of `batchSize`). */
export function predictProbabilities(model: tfl.LayersModel, images: ImageBatch, batchSize = 500): Float32Array {
  const [, h, w, c] = model.inputs[0]!.shape as number[];
  checkSameShape([images.height, images.width, images.channels ?? 1], [h!, w!, c!], 'ModelBlackBox', ['images', 'model'], () => `model '${model.name}' takes ${h}x${w}x${c} images, got ${images.height}x${images.width}x${images.channels ?? 1}`);
  const k = (model.outputs[0]!.shape as number[])[1]!;
  const out = new Float32Array(images.count * k);
  for (let start = 0; start < images.count; start += batchSize) {
    const n = Math.min(batchSize, images.count - start);
    const idx = Int32Array.from({ length: n }, (_, i) => start + i);
    const probs = tf.tidy(() => {
      const x = inputBatch(images, idx);
      return tf.softmax(model.predict(x) as tf.Tensor2D);
    });
    out.set(probs.dataSync(), start * k);
    probs.dispose();
  }
  return out;
}
