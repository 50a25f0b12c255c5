/**
 * The file-path forms of the byte codecs (IDX, PNG, NIfTI): read a file and decode it, or
 * encode and write atomically. Node only; browsers decode the bytes of a File or a fetch.
 */
import { writeFileAtomic } from './atomic_write.js';
import { gzip } from './gzip.js';
import { decodeIdxAs, encodeIdx, type IdxArray, type WriteIdxOptions } from './idx.js';
import { decodeNiftiAs, encodeNiftiAs, type EncodeNiftiOptions, type NiftiImage } from './nifti.js';
import { decodePngAs, encodePngAs, type PngImage, type PngInput, type WritePngOptions } from './png.js';
import { readBytes } from './read_bytes.js';
import { decodeImage } from './image.js';
import type { Volume } from './volume.js';

/** Reads an IDX file, gunzipping it when it starts with the gzip magic bytes. */
export async function readIdx(path: string): Promise<IdxArray> {
  return decodeIdxAs(await readBytes(path, 'readIdx'), 'readIdx', path);
}

/** Writes `array` as an IDX file atomically (temporary file in the same directory, then rename). */
export async function writeIdx(path: string, array: IdxArray, options: WriteIdxOptions = {}): Promise<void> {
  let bytes = encodeIdx(array);
  if (options.gzip ?? path.endsWith('.gz')) bytes = gzip(bytes);
  await writeFileAtomic(path, bytes, 'writeIdx');
}

/** Reads a PNG file. */
export async function readPng(path: string): Promise<PngImage> {
  return decodePngAs(await readBytes(path, 'readPng'), 'readPng', path);
}

/** Writes a float [H, W, C] image as a PNG file atomically. */
export async function writePng(path: string, image: PngInput, options: WritePngOptions = {}): Promise<void> {
  await writeFileAtomic(path, encodePngAs(image, options, 'writePng'), 'writePng');
}

/** Reads a PNG or JPEG file (told apart by content). */
export async function readImage(path: string): Promise<PngImage> {
  return decodeImage(await readBytes(path, 'readImage'), path);
}

/** Reads a .nii or .nii.gz file. */
export async function readNifti(path: string): Promise<NiftiImage> {
  return { ...decodeNiftiAs(await readBytes(path, 'readNifti'), 'readNifti', path), path };
}

/** Writes a volume as a NIfTI-1 file atomically; gzipped when the path ends in `.gz` (or opts.gzip). */
export async function writeNifti(path: string, vol: Volume, opts: EncodeNiftiOptions = {}): Promise<void> {
  const bytes = encodeNiftiAs(vol, { ...opts, gzip: opts.gzip ?? path.endsWith('.gz') }, 'writeNifti', path);
  await writeFileAtomic(path, bytes, 'writeNifti');
}
