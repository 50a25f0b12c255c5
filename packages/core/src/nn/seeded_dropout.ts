/**
 * Dropout whose masks are reproducible. tfjs' dropout draws from Math.random unless given a
 * seed, and a fixed seed would give the same mask on every call. This layer keeps a call
 * counter in a non-trainable weight and seeds call n with hash(seed, n): masks differ from
 * step to step, yet a run is reproducible from its seed, and because the counter is a model
 * weight it travels with every checkpoint, so a resumed run draws the same masks as an
 * uninterrupted one.
 *
 * The counter advances once per training-mode call (`model.apply(x, { training: true })`);
 * inference calls are the identity and leave it alone.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../errors.js';

type Kwargs = Record<string, unknown>;
type Shape = (number | null)[];

export interface SeededDropoutArgs {
  /** Fraction of units dropped, in [0, 1). */
  readonly rate: number;
  /** Base seed, a positive integer. */
  readonly seed: number;
  /** Drop whole channels (PyTorch Dropout2d): one mask value per [B, C]. Default false. */
  readonly spatial?: boolean;
  readonly name?: string;
}

/** A 32-bit mix of (seed, n); never 0, which tfjs would read as "unseeded". */
export function dropoutMaskSeed(seed: number, n: number): number {
  let h = Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(n | 0, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) || 1;
}

export class SeededDropout extends tfl.layers.Layer {
  static readonly className = 'SeededDropout';
  readonly rate: number;
  readonly seed: number;
  readonly spatial: boolean;
  private counter: tfl.LayerVariable | null = null;

  constructor(args: SeededDropoutArgs) {
    super({ name: args.name });
    if (!(args.rate >= 0 && args.rate < 1)) throw new ValueError(`SeededDropout: rate must be in [0, 1), got ${args.rate}`);
    if (!(Number.isSafeInteger(args.seed) && args.seed > 0)) throw new ValueError(`SeededDropout: seed must be a positive integer, got ${args.seed}`);
    this.rate = args.rate;
    this.seed = args.seed;
    this.spatial = args.spatial ?? false;
  }

  override build(_inputShape: Shape | Shape[]): void {
    // float32 counts exactly up to 2^24 calls (16.7 M training steps per layer).
    this.counter = this.addWeight('calls', [], 'float32', tfl.initializers.zeros(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (kwargs['training'] !== true || this.rate === 0) return tf.clone(x);
    const counter = this.counter!;
    const n = counter.read().dataSync()[0]!;
    tf.tidy(() => {
      counter.write(tf.scalar(n + 1));
    });
    const noiseShape = this.spatial ? x.shape.map((d, i) => (i === 0 || i === x.rank - 1 ? d : 1)) : undefined;
    return tf.dropout(x, this.rate, noiseShape, dropoutMaskSeed(this.seed, n));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed, spatial: this.spatial };
  }
}
tf.serialization.registerClass(SeededDropout);
