/**
 * The identity of an image for caches and prediction files: sha1 over its size and pixel bytes.
 * @noble/hashes (pure JavaScript, synchronous) so that keys are the same in Node and browsers.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { channelsOf, imageSize, type ImageBatch } from '../data/digit_set.js';

/** Hex sha1 of image i of the batch ("HxW:" for grey, "HxWxC:" otherwise, then its uint8 pixels). */
export function imageKey(images: ImageBatch, i: number): string {
  const size = imageSize(images);
  const c = channelsOf(images);
  const h = sha1.create();
  h.update(new TextEncoder().encode(c === 1 ? `${images.height}x${images.width}:` : `${images.height}x${images.width}x${c}:`));
  h.update(images.pixels.subarray(i * size, (i + 1) * size));
  return bytesToHex(h.digest());
}

/** Keys of all images of the batch. */
export function imageKeys(images: ImageBatch): string[] {
  return Array.from({ length: images.count }, (_, i) => imageKey(images, i));
}
