/**
 * Readers of digit data sets: IDX image/label file pairs (the MNIST format, plain or
 * gzipped) and folders of PNGs, either `dir/<label>/*.png` (labelled) or `dir/*.png`.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { data, IOError, checkShape } from '@lacuna/core';
import { pngDigitSet } from './png_digits.js';
import { checkDigitSet, type DigitSet } from './digit_set.js';

/** Images [N, H, W] uint8 (and labels [N] uint8 when a labels file is given). */
export async function readIdxDigits(imagesPath: string, labelsPath?: string, name = imagesPath): Promise<DigitSet> {
  const images = await data.readIdx(imagesPath);
  if (images.dtype !== 'uint8' || images.shape.length !== 3) {
    throw new IOError(`readIdxDigits: ${imagesPath} holds ${images.dtype} [${images.shape.join(', ')}]; expected uint8 [N, H, W]`, imagesPath);
  }
  const [count, height, width] = images.shape as [number, number, number];
  if (count === 0) throw new IOError(`readIdxDigits: ${imagesPath} holds no images`, imagesPath);
  let labels: Int32Array | null = null;
  if (labelsPath) {
    const l = await data.readIdx(labelsPath);
    checkShape(l.shape, [count], `readIdxDigits: ${labelsPath} (labels of the ${count} images of ${imagesPath})`);
    labels = Int32Array.from(l.data as ArrayLike<number>);
  }
  return checkDigitSet({ pixels: new Uint8Array(images.data as Uint8Array), labels, count, height, width, name });
}

const isPng = (f: string) => f.toLowerCase().endsWith('.png');

/**
 * A folder of grey PNGs of one size: `dir/<label>/*.png` with integer label folders gives a
 * labelled set, `dir/*.png` an unlabelled one. Files are taken in name order; colour images
 * are averaged over their RGB channels.
 */
export async function readPngDigits(dir: string, name = dir): Promise<DigitSet> {
  let entries: string[];
  try {
    entries = (await readdir(dir)).sort();
  } catch (e) {
    throw new IOError(`readPngDigits: cannot read folder ${dir}: ${(e as Error).message}`, dir);
  }
  const files: { path: string; label: number | null }[] = [];
  for (const e of entries) {
    const path = join(dir, e);
    if ((await stat(path)).isDirectory()) {
      if (!/^\d+$/.test(e)) continue;
      for (const f of (await readdir(path)).sort()) if (isPng(f)) files.push({ path: join(path, f), label: Number(e) });
    } else if (isPng(e)) files.push({ path, label: null });
  }
  return pngDigitSet(files, (path) => data.readPng(path), dir, name);
}
