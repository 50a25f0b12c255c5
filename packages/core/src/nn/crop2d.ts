/**
 * Spatial cropping that keeps unknown (null) sizes unknown; tfjs-layers' cropping2D turns a
 * null size into −1. Used to give transposed convolutions PyTorch's padding semantics.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../errors.js';

type Kwargs = Record<string, unknown>;
type Shape = (number | null)[];

export interface Crop2DArgs {
  /** Pixels removed: [[top, bottom], [left, right]]. */
  readonly cropping: readonly [readonly [number, number], readonly [number, number]];
  readonly name?: string;
}

export class Crop2D extends tfl.layers.Layer {
  static readonly className = 'Crop2D';
  readonly cropping: [[number, number], [number, number]];

  constructor(args: Crop2DArgs) {
    super({ name: args.name });
    const c = args.cropping;
    this.cropping = [[c[0][0], c[0][1]], [c[1][0], c[1][1]]];
    for (const v of this.cropping.flat()) {
      if (!Number.isInteger(v) || v < 0) throw new ValueError(`Crop2D: cropping must be non-negative integers, got ${JSON.stringify(c)}`);
    }
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape; // [B, H, W, C]
    const [[t, b], [l, r]] = this.cropping;
    return [s[0]!, s[1] == null ? null : s[1] - t - b, s[2] == null ? null : s[2] - l - r, s[3]!];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D; // [B, H, W, C]
    const [[t, b], [l, r]] = this.cropping;
    const h = x.shape[1] - t - b;
    const w = x.shape[2] - l - r;
    if (h <= 0 || w <= 0) throw new ValueError(`Crop2D: cropping ${JSON.stringify(this.cropping)} leaves nothing of ${x.shape[1]}×${x.shape[2]}`);
    return tf.slice(x, [0, t, l, 0], [-1, h, w, -1]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), cropping: this.cropping };
  }
}
tf.serialization.registerClass(Crop2D);
