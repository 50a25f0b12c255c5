/**
 * A digit set from grey PNGs of one size, each with its label (its folder's name) or none:
 * the part of readPngDigits that does not touch a file system, so a page can build a set from
 * dropped files. Colour images are averaged over their RGB channels.
 */
import { IOError, checkSameShape, type data } from '@lacuna/core';
import { checkDigitSet, type DigitSet } from './digit_set.js';

export interface PngDigitFile {
  readonly path: string;
  /** The label folder's number, or null for an unlabelled image. */
  readonly label: number | null;
}

/** All labelled or all unlabelled; `where` names the folder in errors. */
export async function pngDigitSet(files: readonly PngDigitFile[], readImage: (path: string) => Promise<data.PngImage>, where: string, name = where): Promise<DigitSet> {
  if (files.length === 0) throw new IOError(`readPngDigits: no .png files in ${where} or its label folders`, where);
  const labelled = files.every((f) => f.label !== null);
  if (!labelled && files.some((f) => f.label !== null)) throw new IOError(`readPngDigits: ${where} mixes PNGs at the top with label folders`, where);
  let height = 0, width = 0;
  let pixels = new Uint8Array(0);
  for (let i = 0; i < files.length; i++) {
    const img = await readImage(files[i]!.path);
    const [h, w, c] = img.shape;
    if (i === 0) {
      height = h; width = w;
      pixels = new Uint8Array(files.length * h * w);
    } else {
      checkSameShape([h, w], [height, width], `readPngDigits: ${files[i]!.path} and ${files[0]!.path}`, ['this image', 'the first']);
    }
    const channels = Math.min(c, 3);
    for (let p = 0; p < h * w; p++) {
      let s = 0;
      for (let k = 0; k < channels; k++) s += img.data[p * c + k]!;
      pixels[i * h * w + p] = Math.round((s / channels) * 255);
    }
  }
  const labels = labelled ? Int32Array.from(files, (f) => f.label!) : null;
  return checkDigitSet({ pixels, labels, count: files.length, height, width, name, files: files.map((f) => f.path) });
}
