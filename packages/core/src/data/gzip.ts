/** Gzip handling shared by the file formats (IDX, NIfTI): detect by magic bytes, not by name. */
import { gunzipSync } from 'node:zlib';

/** Gunzips bytes that start with the gzip magic (1f 8b); others are returned unchanged. */
export function gunzipIfGzipped(bytes: Uint8Array, fail: (what: string) => never): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    return fail(`corrupt or truncated gzip data (${(e as Error).message})`);
  }
}
