/** An image file's bytes, PNG or JPEG (told apart by their magic bytes, not by the name), as [H, W, C] in [0, 1]. */
import { IOError } from '../errors.js';
import { decodeJpeg } from './jpeg.js';
import { decodePngAs, type PngImage } from './png.js';

export function decodeImage(bytes: Uint8Array, source = '<bytes>'): PngImage {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return decodePngAs(bytes, 'decodeImage', source);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return decodeJpeg(bytes, source, 'decodeImage');
  throw new IOError(`decodeImage: ${source}: neither PNG nor JPEG (unknown magic bytes)`, source);
}
