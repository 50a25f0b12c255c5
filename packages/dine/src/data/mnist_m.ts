/**
 * An MNIST-M-style colour shift made here, without the BSDS500 photographs Ganin & Lempitsky
 * blended MNIST digits with: each digit is blended, as MNIST-M does, by the absolute difference
 * |background − digit| per channel with a coloured, textured background drawn from the image's
 * own seeded generator: a linear gradient between two random colours in [0, 0.7]^3 at a random
 * angle, plus two sinusoidal gratings of random frequency, direction and colour (amplitude up
 * to 0.3), plus 0–4 random coloured discs. Recipe and seeds are fixed
 * (`deriveSeed(seed, MNIST_M_STREAM, i)`), so image i is always the same; the demo uses seed 7
 * for the target's training images and 8 for its test images. The colour ceiling 0.7 was set
 * once, before any method was tuned, so that a LeNet trained on MNIST as RGB (400 steps, seed 1)
 * scores 46.4 % on the first 1,500 target training images (ceilings 1, 0.55, 0.45 gave 20, 74 and
 * 86 %); the issue asks for 30-70 %, as real MNIST-M's ~57 % source-only.
 */
import { data } from '@lacuna/core';
import { checkDigitSet, type DigitSet } from './digit_set.js';

/** Stream tag of the MNIST-M generator in deriveSeed. */
const MNIST_M_STREAM = 0x4d4e4d;

export interface MnistMOptions {
  readonly seed: number;
  /** Amplitude of the gratings (default 0.3) and the most discs (default 4): the texture's strength. */
  readonly gratingAmplitude?: number;
  readonly maxDiscs?: number;
  /** Background colours are drawn in [0, maxColour]^3. Default 0.7 (see the module comment). */
  readonly maxColour?: number;
}

/** Grey digits [N, H, W] → colour images [N, H, W, 3] with the same labels. */
export function mnistMStyle(set: DigitSet, o: MnistMOptions): DigitSet {
  const { height: H, width: W } = set;
  const px = H * W;
  const pixels = new Uint8Array(set.count * px * 3);
  for (let i = 0; i < set.count; i++) {
    const rng = new data.Random(data.deriveSeed(o.seed, MNIST_M_STREAM, i));
    const mc = o.maxColour ?? 0.7;
    const c0 = [rng.uniform(0, mc), rng.uniform(0, mc), rng.uniform(0, mc)], c1 = [rng.uniform(0, mc), rng.uniform(0, mc), rng.uniform(0, mc)];
    const angle = rng.uniform(0, 2 * Math.PI);
    const amp = o.gratingAmplitude ?? 0.3;
    const gratings = [0, 1].map(() => ({ k: rng.uniform(0.2, 1.2), a: rng.uniform(0, Math.PI), phase: rng.uniform(0, 2 * Math.PI), colour: [rng.uniform(-amp, amp), rng.uniform(-amp, amp), rng.uniform(-amp, amp)] }));
    const discs = Array.from({ length: rng.int(0, (o.maxDiscs ?? 4) + 1) }, () => ({ x: rng.uniform(0, W), y: rng.uniform(0, H), r: rng.uniform(2, W / 3), colour: [rng.uniform(0, mc), rng.uniform(0, mc), rng.uniform(0, mc)] }));
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const t = Math.min(1, Math.max(0, 0.5 + ((x - W / 2) * Math.cos(angle) + (y - H / 2) * Math.sin(angle)) / Math.max(W, H)));
        const p = y * W + x;
        const ink = set.pixels[i * px * (set.channels ?? 1) + p * (set.channels ?? 1)]! / 255;
        for (let k = 0; k < 3; k++) {
          let bg = c0[k]! * (1 - t) + c1[k]! * t;
          for (const g of gratings) bg += g.colour[k]! * Math.sin(g.k * (x * Math.cos(g.a) + y * Math.sin(g.a)) + g.phase);
          for (const d of discs) if ((x - d.x) ** 2 + (y - d.y) ** 2 < d.r * d.r) bg = d.colour[k]!;
          bg = Math.min(1, Math.max(0, bg));
          pixels[(i * px + p) * 3 + k] = Math.round(255 * Math.abs(bg - ink));
        }
      }
    }
  }
  return checkDigitSet({ ...set, pixels, channels: 3, name: `${set.name}, MNIST-M style (seed ${o.seed})` });
}

/** Grey digits repeated over three channels (the colour source's view of MNIST). */
export function greyToRgb(set: DigitSet): DigitSet {
  if ((set.channels ?? 1) === 3) return set;
  const pixels = new Uint8Array(set.pixels.length * 3);
  for (let p = 0; p < set.pixels.length; p++) pixels[p * 3] = pixels[p * 3 + 1] = pixels[p * 3 + 2] = set.pixels[p]!;
  return checkDigitSet({ ...set, pixels, channels: 3, name: `${set.name} (RGB)` });
}
