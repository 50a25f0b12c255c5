/**
 * A dense layer with weight normalisation (Salimans & Kingma 2016), as PyTorch's
 * `nn.utils.weight_norm(nn.Linear(...))` in the SHOT/DINE classifier: each output unit's
 * weight vector is w_j = g_j · v_j / ‖v_j‖, so its length is the learned gain g_j and only
 * its direction comes from v. Parameters: v [in, units], g [units], bias [units]; g starts at
 * ‖v_j‖ so the layer starts equal to a plain dense layer with kernel v.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../errors.js';
import type { Initializer } from './init.js';

type Shape = (number | null)[];

export interface WeightNormDenseArgs {
  readonly units: number;
  /** Initialiser of v (default Glorot uniform, unseeded); not part of the saved config. */
  readonly kernelInitializer?: Initializer;
  readonly name?: string;
}

export class WeightNormDense extends tfl.layers.Layer {
  static readonly className = 'WeightNormDense';
  readonly units: number;
  private readonly kernelInitializer: Initializer;
  private v: tfl.LayerVariable | null = null;
  private g: tfl.LayerVariable | null = null;
  private bias: tfl.LayerVariable | null = null;

  constructor(args: WeightNormDenseArgs) {
    super({ name: args.name });
    if (!(Number.isInteger(args.units) && args.units > 0)) throw new ValueError(`WeightNormDense: units must be a positive integer, got ${args.units}`);
    this.units = args.units;
    this.kernelInitializer = args.kernelInitializer ?? tfl.initializers.glorotUniform({});
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const inDim = shape[shape.length - 1];
    if (!(typeof inDim === 'number' && inDim > 0)) throw new ValueError(`WeightNormDense '${this.name}': the last input axis must be known, got [${shape.join(', ')}]`);
    this.v = this.addWeight('v', [inDim, this.units], 'float32', this.kernelInitializer);
    // g = ‖v_j‖ makes the initial layer a plain dense layer with kernel v.
    const norms = tf.tidy(() => tf.norm(this.v!.read(), 'euclidean', 0));
    this.g = this.addWeight('g', [this.units], 'float32', tfl.initializers.zeros());
    this.g.write(norms);
    norms.dispose();
    this.bias = this.addWeight('bias', [this.units], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs; // [B, in]
      const v = this.v!.read(); // [in, units]
      const w = tf.mul(v, tf.div(this.g!.read(), tf.norm(v, 'euclidean', 0))); // [in, units]
      return tf.add(tf.matMul(x, w), this.bias!.read()); // [B, units]
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}
tf.serialization.registerClass(WeightNormDense);
