/**
 * Scanner noise models, all drawn from a seeded core Random: Gaussian (Marsaglia's polar
 * method), Rician magnitude noise for MR, Poisson counts for PET.
 */
import type { data } from '@lacuna/core';

const TWO_POW_M31 = 1 / 2147483648;

/**
 * Standard normal variates from a seeded generator by Marsaglia's polar method (no
 * trigonometry; both variates of a pair used), on 32-bit uniforms, which is plenty for noise.
 */
export class GaussianSource {
  private spare = 0;
  private hasSpare = false;

  constructor(private readonly rng: data.Random) {}

  next(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = this.rng.nextUint32() * TWO_POW_M31 - 1;
      v = this.rng.nextUint32() * TWO_POW_M31 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    this.hasSpare = true;
    return u * m;
  }

  /** Fills `out` with N(0, σ²) samples. */
  fill(out: Float32Array, sigma: number): Float32Array {
    for (let v = 0; v < out.length; v++) out[v] = sigma * this.next();
    return out;
  }
}

/**
 * Rician noise in place: each value s becomes |s + n₁ + i n₂| with n₁, n₂ ~ N(0, σ²), the
 * magnitude of a complex image with Gaussian noise in both channels (Gudbjartsson & Patz,
 * MRM 34:910, 1995). Where s = 0 this is Rayleigh, with mean σ √(π/2).
 */
export function addRicianNoise(values: Float32Array, sigma: number, rng: data.Random): void {
  for (let v = 0; v < values.length; v++) {
    // One polar-method pair gives the real and imaginary noise of this voxel.
    let u: number;
    let w: number;
    let s: number;
    do {
      u = rng.nextUint32() * TWO_POW_M31 - 1;
      w = rng.nextUint32() * TWO_POW_M31 - 1;
      s = u * u + w * w;
    } while (s >= 1 || s === 0);
    const m = sigma * Math.sqrt((-2 * Math.log(s)) / s);
    const re = values[v]! + u * m;
    const im = w * m;
    values[v] = Math.sqrt(re * re + im * im);
  }
}

/**
 * One Poisson(λ) sample. Knuth's product of uniforms for λ < 10; above, Hörmann's transformed
 * rejection with squeeze, PTRS (Insurance: Mathematics and Economics 12:39, 1993), exact and
 * O(1) per sample.
 */
export function poisson(lambda: number, rng: data.Random): number {
  if (!(lambda > 0)) return 0;
  if (lambda < 10) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = rng.uniform();
    while (p > limit) {
      k++;
      p *= rng.uniform();
    }
    return k;
  }
  const slam = Math.sqrt(lambda);
  const logLam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.uniform() - 0.5;
    const v = rng.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -lambda + k * logLam - logFactorial(k)) return k;
  }
}

const LOG_FACTORIALS = (() => {
  const t = new Float64Array(256);
  for (let k = 1; k < 256; k++) t[k] = t[k - 1]! + Math.log(k);
  return t;
})();

/** log k!, exact from a table below 256, Stirling's series above. */
function logFactorial(k: number): number {
  if (k < 256) return LOG_FACTORIALS[k]!;
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x * x * x);
}
