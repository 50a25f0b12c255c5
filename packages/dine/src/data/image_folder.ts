/**
 * An image-folder data set, as torchvision's ImageFolder reads one: `<class name>/<file>` with
 * class names of any text (sorted, or a mapping given by the source's classes), or files at the
 * top (unlabelled). PNG and JPEG (told apart by content), resized bilinearly to the network's
 * size, as grey (the mean of R, G and B) or RGB (grey repeated). No file system here: Node's
 * reader is read_image_folder.ts; a page passes the dropped files.
 */
import { data, IOError, ValueError } from '@lacuna/core';
import { checkDigitSet, type DigitSet } from './digit_set.js';
import { resizeBilinear } from './frame_digit.js';

export interface ImageFile {
  /** Path relative to the folder, '/'-separated: 'cat/0001.jpg' or '0001.jpg'. */
  readonly path: string;
  readonly bytes: Uint8Array;
}

export interface ImageFolderOptions {
  /** Size the network takes. Default 28 x 28. */
  readonly height?: number;
  readonly width?: number;
  /** 1 (grey) or 3 (RGB). Default 3. */
  readonly channels?: 1 | 3;
  /** The class names in label order (e.g. the source's), instead of the folder's sorted names. */
  readonly classNames?: readonly string[];
  /** For messages. */
  readonly name?: string;
}

export function imageFolderSet(files: readonly ImageFile[], o: ImageFolderOptions = {}): DigitSet {
  const H = o.height ?? 28, W = o.width ?? 28, C = o.channels ?? 3;
  const name = o.name ?? 'image folder';
  if (C !== 1 && C !== 3) throw new ValueError(`${name}: channels must be 1 or 3, got ${C}`);
  const images = files.filter((f) => /\.(png|jpe?g)$/i.test(f.path)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (images.length === 0) throw new IOError(`${name}: no .png or .jpg images`, name);
  const classOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')).split('/').pop()! : null);
  const labelled = images.every((f) => classOf(f.path) !== null);
  if (!labelled && images.some((f) => classOf(f.path) !== null)) throw new IOError(`${name}: mixes images at the top with class folders`, name);
  const classNames = labelled ? (o.classNames ? [...o.classNames] : [...new Set(images.map((f) => classOf(f.path)!))].sort()) : undefined;
  const index = new Map(classNames?.map((c, i) => [c, i]));
  const size = H * W * C;
  const pixels = new Uint8Array(images.length * size);
  const labels = labelled ? new Int32Array(images.length) : null;
  images.forEach((f, i) => {
    const img = data.decodeImage(f.bytes, `${name}/${f.path}`);
    const [h, w, c] = img.shape;
    for (let k = 0; k < C; k++) {
      // The channel plane: R, G, B (grey repeated), or the mean of the colour channels.
      const plane = new Float32Array(h * w);
      for (let p = 0; p < h * w; p++) {
        if (C === 3) plane[p] = img.data[p * c + (c >= 3 ? k : 0)]!;
        else plane[p] = c >= 3 ? (img.data[p * c]! + img.data[p * c + 1]! + img.data[p * c + 2]!) / 3 : img.data[p * c]!;
      }
      const resized = h === H && w === W ? plane : resizeBilinear(plane, h, w, H, W);
      for (let p = 0; p < H * W; p++) pixels[i * size + p * C + k] = Math.round(255 * Math.min(1, Math.max(0, resized[p]!)));
    }
    if (labels) {
      const cls = classOf(f.path)!;
      const y = index.get(cls);
      if (y === undefined) throw new IOError(`${name}/${f.path}: class '${cls}' is not one of the ${classNames!.length} classes (${classNames!.slice(0, 5).join(', ')}${classNames!.length > 5 ? ', ...' : ''})`, name);
      labels[i] = y;
    }
  });
  return checkDigitSet({ pixels, labels, count: images.length, height: H, width: W, channels: C, name, files: images.map((f) => f.path), ...(classNames ? { classNames } : {}) });
}
