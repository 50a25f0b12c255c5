/**
 * Seeded weight initialisation for the network builders. tfjs-layers initialisers draw from
 * Math.random unless given a seed; a `WeightInit` hands every layer its own seed derived from
 * one base seed, so building the same network with the same seed gives the same weights.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { lookUpOption } from '../check.js';
import { ValueError } from '../errors.js';

/** A tfjs-layers initialiser (the type is not exported by name). */
export type Initializer = ReturnType<typeof tfl.initializers.zeros>;

/**
 * - 'glorot': Glorot-uniform kernels, zero biases (the tfjs/Keras default).
 * - 'torch': PyTorch's default conv/linear kernel init, kaiming_uniform(a=√5) = U(±1/√fan_in);
 *   biases zero (PyTorch draws them from the same range).
 * - 'normal02': N(0, 0.02) kernels, norm gammas N(1, 0.02), zero biases (pix2pix/CycleGAN
 *   `init_type='normal'`).
 */
export type InitKind = 'glorot' | 'torch' | 'normal02';
export const INIT_KINDS: readonly InitKind[] = ['glorot', 'torch', 'normal02'];

export interface WeightInitOptions {
  readonly kind?: InitKind;
  /** Base seed (non-negative integer). Without one, tfjs draws from Math.random. */
  readonly seed?: number;
}

export class WeightInit {
  readonly kind: InitKind;
  readonly seed: number | undefined;
  private counter = 0;

  constructor(options: WeightInitOptions = {}) {
    this.kind = lookUpOption(options.kind ?? 'glorot', INIT_KINDS, 'WeightInit.kind');
    if (options.seed !== undefined && !(Number.isSafeInteger(options.seed) && options.seed >= 0)) {
      throw new ValueError(`WeightInit: seed must be a non-negative integer, got ${options.seed}`);
    }
    this.seed = options.seed;
  }

  /** The next per-layer seed: distinct, never 0 (tfjs treats a 0 seed as "unseeded"). */
  nextSeed(): number | undefined {
    this.counter += 1;
    if (this.seed === undefined) return undefined;
    return (this.seed % 1_000_000_007) * 1009 + this.counter;
  }

  /** Initialiser for a conv / dense kernel. */
  kernel(): Initializer {
    const seed = this.nextSeed();
    switch (this.kind) {
      case 'glorot':
        return tfl.initializers.glorotUniform({ seed });
      case 'torch':
        return tfl.initializers.varianceScaling({ scale: 1 / 3, mode: 'fanIn', distribution: 'uniform', seed });
      case 'normal02':
        return tfl.initializers.randomNormal({ mean: 0, stddev: 0.02, seed });
    }
  }

  /** Initialiser for a normalisation layer's gamma (scale). */
  gamma(): Initializer {
    if (this.kind === 'normal02') return tfl.initializers.randomNormal({ mean: 1, stddev: 0.02, seed: this.nextSeed() });
    return tfl.initializers.ones();
  }
}

/** `init` if given, else a fresh unseeded WeightInit of `kind`. */
export function resolveInit(init: WeightInit | WeightInitOptions | undefined, kind: InitKind = 'glorot'): WeightInit {
  if (init instanceof WeightInit) return init;
  return new WeightInit({ kind, ...init });
}
