/**
 * A network's first convolution, the one applied to the image: conv2d then a bias add, without
 * TF.js's fused conv kernel. The fused kernel's gradient always computes the gradient with
 * respect to its input as well; for the image that gradient is never used, yet it is one of the
 * costliest backward convolutions (a 5x5 conv over the full-resolution grid). Unfused, TF.js's
 * tape prunes it. Same parameters (kernel [k, k, Cin, filters], bias [filters]) and outputs as
 * `tfl.layers.conv2d` with 'valid' padding and no activation.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../errors.js';
import type { Initializer } from './init.js';

type Shape = (number | null)[];

export interface ImageConv2DArgs {
  readonly filters: number;
  readonly kernelSize: number;
  /** Initialiser of the kernel (default Glorot uniform, unseeded); not part of the saved config. */
  readonly kernelInitializer?: Initializer;
  readonly name?: string;
}

export class ImageConv2D extends tfl.layers.Layer {
  static readonly className = 'ImageConv2D';
  readonly filters: number;
  readonly kernelSize: number;
  private readonly kernelInitializer: Initializer;
  private kernel: tfl.LayerVariable | null = null;
  private bias: tfl.LayerVariable | null = null;

  constructor(args: ImageConv2DArgs) {
    super({ name: args.name });
    for (const [k, v] of [['filters', args.filters], ['kernelSize', args.kernelSize]] as const) {
      if (!(Number.isInteger(v) && v > 0)) throw new ValueError(`ImageConv2D: ${k} must be a positive integer, got ${v}`);
    }
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.kernelInitializer = args.kernelInitializer ?? tfl.initializers.glorotUniform({});
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape; // [B, H, W, C]
    const channels = shape[3];
    if (!(typeof channels === 'number' && channels > 0)) throw new ValueError(`ImageConv2D '${this.name}': the channel axis must be known, got [${shape.join(', ')}]`);
    this.kernel = this.addWeight('kernel', [this.kernelSize, this.kernelSize, channels, this.filters], 'float32', this.kernelInitializer);
    this.bias = this.addWeight('bias', [this.filters], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape; // [B, H, W, C]
    const out = (n: number | null) => (n == null ? null : n - this.kernelSize + 1);
    return [s[0]!, out(s[1]!), out(s[2]!), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D; // [B, H, W, C]
      return tf.add(tf.conv2d(x, this.kernel!.read() as tf.Tensor4D, 1, 'valid'), this.bias!.read()); // [B, H-k+1, W-k+1, filters]
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize };
  }
}
tf.serialization.registerClass(ImageConv2D);
