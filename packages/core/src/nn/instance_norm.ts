/**
 * Instance normalisation (Ulyanov et al. 2016): each sample's channels are normalised over
 * their spatial positions, y = (x − mean_HW) / √(var_HW + eps) · gamma + beta, with the biased
 * variance, as PyTorch's InstanceNorm2d(track_running_stats=False). No running statistics:
 * training and inference compute the same thing.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ShapeError } from '../errors.js';
import type { Initializer } from './init.js';

type Kwargs = Record<string, unknown>;
type Shape = (number | null)[];

export interface InstanceNormalizationArgs {
  /** Added to the variance. Default 1e-5 (PyTorch's). */
  readonly epsilon?: number;
  /** Learn a per-channel gamma and beta. Default true. PyTorch's InstanceNorm2d default is false. */
  readonly affine?: boolean;
  readonly gammaInitializer?: Initializer;
  readonly name?: string;
  readonly trainable?: boolean;
}

export class InstanceNormalization extends tfl.layers.Layer {
  static readonly className = 'InstanceNormalization';
  readonly epsilon: number;
  readonly affine: boolean;
  private readonly gammaInit: Initializer | undefined;
  private gamma: tfl.LayerVariable | null = null;
  private beta: tfl.LayerVariable | null = null;

  constructor(args: InstanceNormalizationArgs = {}) {
    super({ name: args.name, trainable: args.trainable });
    this.epsilon = args.epsilon ?? 1e-5;
    this.affine = args.affine ?? true;
    this.gammaInit = args.gammaInitializer;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const channels = shape[shape.length - 1];
    if (shape.length < 3 || channels == null) {
      throw new ShapeError(
        `InstanceNormalization: expected input [B, ...spatial, C] with known C, got [${shape.join(', ')}]`,
        shape.map((d) => d ?? -1),
        ['B', '...', 'C'],
      );
    }
    if (this.affine) {
      this.gamma = this.addWeight('gamma', [channels], 'float32', this.gammaInit ?? tfl.initializers.ones(), undefined, true);
      this.beta = this.addWeight('beta', [channels], 'float32', tfl.initializers.zeros(), undefined, true);
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs; // [B, H, W, C]
      const axes = Array.from({ length: x.rank - 2 }, (_, i) => i + 1);
      const { mean, variance } = tf.moments(x, axes, true); // [B, 1, 1, C]
      let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
      if (this.gamma && this.beta) y = tf.add(tf.mul(y, this.gamma.read()), this.beta.read());
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon, affine: this.affine };
  }
}
tf.serialization.registerClass(InstanceNormalization);

/** Functional-API factory for {@link InstanceNormalization}. */
export function instanceNormalization(args: InstanceNormalizationArgs = {}): InstanceNormalization {
  return new InstanceNormalization(args);
}
