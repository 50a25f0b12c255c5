/**
 * Gzip handling shared by the file formats (IDX, NIfTI): detect by magic bytes, not by name.
 * fflate (pure JavaScript) so that the same code decodes in browsers.
 */
import { gunzipSync, gzipSync } from 'fflate';
import { crc32 } from './crc32.js';

/** Gunzips bytes that start with the gzip magic (1f 8b); others are returned unchanged. */
export function gunzipIfGzipped(bytes: Uint8Array, fail: (what: string) => never): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  let out: Uint8Array;
  try {
    out = gunzipSync(bytes);
  } catch (e) {
    return fail(`corrupt or truncated gzip data (${(e as Error).message})`);
  }
  // fflate does not check the trailer (CRC-32 and length of the data); zlib does, and so do we.
  if (bytes.length < 18) return fail('corrupt or truncated gzip data (no trailer)');
  const trailer = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 8, 8);
  if (trailer.getUint32(4, true) !== out.length % 2 ** 32) return fail('corrupt or truncated gzip data (length mismatch)');
  if (trailer.getUint32(0, true) !== crc32(out)) return fail('corrupt or truncated gzip data (CRC-32 mismatch)');
  return out;
}

/** Gzips bytes (level 6, as zlib's default). */
export function gzip(bytes: Uint8Array): Uint8Array {
  // mtime 0, as zlib writes it: the same bytes in give the same file out.
  return gzipSync(bytes, { level: 6, mtime: 0 });
}
