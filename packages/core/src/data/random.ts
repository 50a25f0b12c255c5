/**
 * Seeded pseudo-random numbers: the sfc32 generator (Chris Doty-Humphrey's "small fast
 * chaotic" PRNG from PractRand; 128-bit state, passes BigCrush and PractRand), with the
 * samplers training needs. The whole state is four uint32 words, so `getState()` /
 * `setState()` let a run resume bit-identically.
 */
import { ValueError } from '../errors.js';

/** Plain-JSON state of a {@link Random}. */
export interface RandomState {
  readonly algorithm: 'sfc32';
  /** The four uint32 state words a, b, c, d. */
  readonly words: readonly [number, number, number, number];
}

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

export class Random {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  /**
   * Seeds as PractRand does (a = 0, b/c = low/high 32 bits of the seed, d = 1, then 12
   * outputs discarded). `seed` is an integer in [0, 2^53).
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new ValueError(`Random: seed must be an integer in [0, 2^53), got ${seed}`);
    }
    this.b = seed >>> 0;
    this.c = Math.floor(seed / TWO_POW_32) >>> 0;
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A generator positioned exactly at `state`. */
  static fromState(state: RandomState): Random {
    const r = new Random(0);
    r.setState(state);
    return r;
  }

  getState(): RandomState {
    return { algorithm: 'sfc32', words: [this.a, this.b, this.c, this.d] };
  }

  setState(state: RandomState): void {
    const w = (state as { words?: unknown }).words;
    if (
      state?.algorithm !== 'sfc32' ||
      !Array.isArray(w) ||
      w.length !== 4 ||
      !w.every((x) => Number.isInteger(x) && x >= 0 && x < TWO_POW_32)
    ) {
      throw new ValueError(`Random.setState: expected {algorithm: 'sfc32', words: [4 uint32]}, got ${JSON.stringify(state)}`);
    }
    [this.a, this.b, this.c, this.d] = w as [number, number, number, number];
  }

  /** An independent copy at the same position. */
  clone(): Random {
    return Random.fromState(this.getState());
  }

  /** Next raw output, a uint32. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    return t >>> 0;
  }

  /** Uniform double in [low, high) with 53 random bits (two raw outputs). */
  uniform(low = 0, high = 1): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    const u = (hi * 67108864 + lo) / TWO_POW_53;
    return low + (high - low) * u;
  }

  /**
   * Normal sample by Box–Muller. Each call uses two uniforms and discards the second
   * variate, so the generator state is only the four words.
   */
  normal(mean = 0, std = 1): number {
    const u1 = 1 - this.uniform(); // (0, 1]: log is finite
    const u2 = this.uniform();
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Unbiased integer in [low, high) (rejection sampling); the range may be at most 2^32. */
  int(low: number, high: number): number {
    const n = high - low;
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || n < 1 || n > TWO_POW_32) {
      throw new ValueError(`Random.int: need integers with 1 <= high - low <= 2^32, got [${low}, ${high})`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return low + (x % n);
  }

  /** Fisher–Yates shuffle in place; returns `items`. */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0) throw new ValueError(`Random.permutation: n must be a non-negative integer, got ${n}`);
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** One element of `items`, uniformly. */
  choice<T>(items: ArrayLike<T>): T {
    if (items.length === 0) throw new ValueError('Random.choice: items is empty');
    return items[this.int(0, items.length)]!;
  }

  /** Gamma(shape, scale) sample: mean shape·scale, variance shape·scale². */
  gamma(shape: number, scale = 1): number {
    if (!(scale > 0) || !Number.isFinite(scale)) throw new ValueError(`Random.gamma: scale must be > 0, got ${scale}`);
    return scale * Math.exp(this.logGamma(shape, 'Random.gamma'));
  }

  /**
   * Beta(a, b) sample as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b), computed from the
   * logs so that small shapes (MixUp's Beta(0.3, 0.3)) cannot give 0/0.
   */
  beta(a: number, b: number): number {
    const lx = this.logGamma(a, 'Random.beta');
    const ly = this.logGamma(b, 'Random.beta');
    return 1 / (1 + Math.exp(ly - lx));
  }

  /**
   * Log of a Gamma(shape, 1) sample: Marsaglia & Tsang (2000) for shape >= 1; for
   * shape < 1, Gamma(shape + 1) · U^(1/shape), kept in log space.
   */
  private logGamma(shape: number, what: string): number {
    if (!(shape > 0) || !Number.isFinite(shape)) throw new ValueError(`${what}: shape must be > 0, got ${shape}`);
    if (shape < 1) return this.logGamma(shape + 1, what) + Math.log(1 - this.uniform()) / shape;
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      const t = 1 + c * x;
      if (t <= 0) continue;
      const v = t * t * t;
      const u = 1 - this.uniform();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return Math.log(d) + Math.log(v);
    }
  }
}

/** murmur3's 32-bit finaliser: a bijective avalanche mix. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A seed in [0, 2^53) from integers (each a safe integer ≥ 0), mixed so that nearby inputs give unrelated seeds: the
 * seed of an independent random stream, e.g. (experiment seed, subject, stream id).
 */
export function deriveSeed(...parts: number[]): number {
  let hi = 0x6a09e667;
  let lo = 0xbb67ae85;
  for (const p of parts) {
    const pLo = p >>> 0;
    const pHi = Math.floor(p / 4294967296) >>> 0;
    lo = mix32(lo ^ mix32(pLo + 0x9e3779b9));
    hi = mix32(hi ^ mix32(pHi ^ lo));
    lo = mix32(lo + hi);
  }
  return (hi >>> 11) * 4294967296 + lo; // 21 + 32 bits
}


