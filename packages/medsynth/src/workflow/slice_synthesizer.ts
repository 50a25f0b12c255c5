/**
 * What every trained synthesis model offers the rest of medsynth: normalised source slices in,
 * normalised target slices out. The generator networks and the random forest both implement it,
 * so prediction, evaluation and the benchmark treat them alike.
 */
import { tf, ValueError, type tfl } from '@lacuna/core';
import type { SliceStack } from '../data/slice_stack.js';

export interface SliceSynthesizer {
  /** [N, H, W, Cs] → [N, H, W, 1]; `mask` [N, H, W, 1] marks the head (the forest predicts only there). */
  predict(source: SliceStack, mask?: SliceStack): SliceStack;
}

/**
 * A generator network as a SliceSynthesizer, `batch` slices at a time (bounded memory).
 * `mirror`: test-time augmentation that averages the prediction with that of the left-right
 * mirrored slices (mirrored back); heads are near-symmetric, so it halves part of the network's
 * variance for twice the inference cost.
 */
export function generatorSynthesizer(generator: tfl.LayersModel, batch = 8, options: { mirror?: boolean } = {}): SliceSynthesizer {
  const run = (x: tf.Tensor4D) => generator.predict(x) as tf.Tensor4D;
  // W is the slices' left-right axis (RAS working grid).
  const forward = options.mirror ? (x: tf.Tensor4D) => tf.mul(tf.add(run(x), tf.reverse(run(tf.reverse(x, 2)), 2)), 0.5) : run;
  return {
    predict(source) {
      const [n, h, w, c] = source.shape;
      const out = new Float32Array(n * h * w);
      for (let s = 0; s < n; s += batch) {
        const count = Math.min(batch, n - s);
        const y = tf.tidy(() => forward(tf.tensor4d(source.data.subarray(s * h * w * c, (s + count) * h * w * c), [count, h, w, c])));
        out.set(y.dataSync(), s * h * w);
        y.dispose();
      }
      return { data: out, shape: [n, h, w, 1] };
    },
  };
}

/**
 * The voxel-wise mean of several synthesisers' predictions (a model ensemble). Members trained
 * apart (other seeds or losses) err differently, so the mean has lower variance than any one.
 */
export function averageSynthesizer(members: readonly SliceSynthesizer[]): SliceSynthesizer {
  if (members.length === 0) throw new ValueError('averageSynthesizer: give at least one member');
  return {
    predict(source, mask) {
      const outs = members.map((m) => m.predict(source, mask));
      const out = new Float32Array(outs[0]!.data.length);
      for (const o of outs) for (let i = 0; i < out.length; i++) out[i]! += o.data[i]! / outs.length;
      return { data: out, shape: outs[0]!.shape };
    },
  };
}
