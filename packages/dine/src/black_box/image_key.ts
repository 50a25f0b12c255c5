/** The identity of an image for caches and prediction files: sha1 over its size and pixel bytes. */
import { createHash } from 'node:crypto';
import type { ImageBatch } from '../data/digit_set.js';

/** Hex sha1 of image i of the batch ("HxW:" then its uint8 pixels). */
export function imageKey(images: ImageBatch, i: number): string {
  const size = images.height * images.width;
  return createHash('sha1').update(`${images.height}x${images.width}:`).update(images.pixels.subarray(i * size, (i + 1) * size)).digest('hex');
}

/** Keys of all images of the batch. */
export function imageKeys(images: ImageBatch): string[] {
  return Array.from({ length: images.count }, (_, i) => imageKey(images, i));
}
