/**
 * Reflection padding of the two spatial axes (PyTorch's ReflectionPad2d; tf.mirrorPad in
 * 'reflect' mode). tfjs-layers has only zero padding.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../errors.js';

type Kwargs = Record<string, unknown>;
type Shape = (number | null)[];

export interface ReflectionPad2DArgs {
  /** Pixels added on each side: one number, or [[top, bottom], [left, right]]. */
  readonly padding: number | readonly [readonly [number, number], readonly [number, number]];
  readonly name?: string;
}

export class ReflectionPad2D extends tfl.layers.Layer {
  static readonly className = 'ReflectionPad2D';
  readonly padding: [[number, number], [number, number]];

  constructor(args: ReflectionPad2DArgs) {
    super({ name: args.name });
    const p = args.padding;
    this.padding = typeof p === 'number' ? [[p, p], [p, p]] : [[p[0][0], p[0][1]], [p[1][0], p[1][1]]];
    for (const v of this.padding.flat()) {
      if (!Number.isInteger(v) || v < 0) throw new ValueError(`ReflectionPad2D: padding must be non-negative integers, got ${JSON.stringify(p)}`);
    }
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape; // [B, H, W, C]
    const [[t, b], [l, r]] = this.padding;
    return [s[0]!, s[1] == null ? null : s[1] + t + b, s[2] == null ? null : s[2] + l + r, s[3]!];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D; // [B, H, W, C]
    const [[t, b], [l, r]] = this.padding;
    if (t >= x.shape[1] || b >= x.shape[1] || l >= x.shape[2] || r >= x.shape[2]) {
      throw new ValueError(`ReflectionPad2D: padding ${JSON.stringify(this.padding)} must be smaller than the input's H×W ${x.shape[1]}×${x.shape[2]}`);
    }
    return tf.mirrorPad(x, [[0, 0], [t, b], [l, r], [0, 0]], 'reflect');
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padding: this.padding };
  }
}
tf.serialization.registerClass(ReflectionPad2D);

export function reflectionPad2d(args: ReflectionPad2DArgs): ReflectionPad2D {
  return new ReflectionPad2D(args);
}
