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
    const x = Array.isArray(inputs) ? inputs[0]! : inputs; // [B, H, W, C]
    return this.gamma && this.beta
      ? instanceNorm(x, this.epsilon, this.gamma.read(), this.beta.read())
      : instanceNorm(x, this.epsilon);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon, affine: this.affine };
  }
}
tf.serialization.registerClass(InstanceNormalization);

/**
 * y = (x − mean_HW) / √(var_HW + eps) · gamma + beta over x [B, ...spatial, C], with a
 * hand-written gradient: 7 passes over x-sized tensors backward where autodiff through the
 * composed ops takes about 20, and the same number of kernels on every engine.
 *   dx = gamma·rstd · (dy − mean_HW(dy) − xhat · mean_HW(dy · xhat))
 *   dgamma = Σ_{B,HW} dy · xhat,  dbeta = Σ_{B,HW} dy
 */
export function instanceNorm(x: tf.Tensor, epsilon: number, gamma?: tf.Tensor, beta?: tf.Tensor): tf.Tensor {
  const spatial = Array.from({ length: x.rank - 2 }, (_, i) => i + 1);
  const count = spatial.reduce((n, a) => n * x.shape[a]!, 1);
  const forward = (xIn: tf.Tensor, save: (ts: tf.Tensor[]) => void, g?: tf.Tensor, b?: tf.Tensor) => {
    const { mean, variance } = tf.moments(xIn, spatial, true); // [B, 1, 1, C]
    const rstd = tf.rsqrt(tf.add(variance, epsilon));
    // x·rstd + (−mean·rstd): the wasm backend's broadcast Sub is about 2x slower than Mul/Add.
    const xhat = tf.add(tf.mul(xIn, rstd), tf.neg(tf.mul(mean, rstd)));
    save(g ? [xhat, rstd, g] : [xhat, rstd]);
    return g && b ? tf.add(tf.mul(xhat, g), b) : xhat;
  };
  const backward = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [xhat, rstd, g] = saved as [tf.Tensor, tf.Tensor, tf.Tensor | undefined];
    const sumDy = tf.sum(dy, spatial, true); // [B, 1, 1, C]
    const sumDyXhat = tf.sum(tf.mul(dy, xhat), spatial, true);
    const k = g ? tf.mul(rstd, g) : rstd;
    const dx = tf.add(tf.sub(tf.mul(dy, k), tf.mul(xhat, tf.mul(k, tf.div(sumDyXhat, count)))), tf.neg(tf.mul(k, tf.div(sumDy, count))));
    if (!g) return [dx];
    const channels = [x.shape[x.rank - 1]!];
    return [dx, tf.reshape(tf.sum(sumDyXhat, 0), channels), tf.reshape(tf.sum(sumDy, 0), channels)];
  };
  if (gamma && beta) {
    const f = tf.customGrad((...args) => {
      const [xIn, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
      return { value: forward(xIn, save, g, b), gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => backward(dy as tf.Tensor, saved) };
    });
    return f(x, gamma, beta);
  }
  const f = tf.customGrad((...args) => {
    const [xIn, save] = args as [tf.Tensor, tf.GradSaveFunc];
    return { value: forward(xIn, save), gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => backward(dy as tf.Tensor, saved) };
  });
  return f(x);
}

/** Functional-API factory for {@link InstanceNormalization}. */
export function instanceNormalization(args: InstanceNormalizationArgs = {}): InstanceNormalization {
  return new InstanceNormalization(args);
}
