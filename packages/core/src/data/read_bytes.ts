/** Reading a whole file, with the error every reader gives: an IOError naming the caller and the file. */
import { readFile } from 'node:fs/promises';
import { IOError } from '../errors.js';

/** The bytes of `path`; a missing or unreadable file is `<what>: cannot read <path>: <reason>`. */
export async function readBytes(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    // The errno code (ENOENT, EISDIR, …) stays on the error for callers that report it.
    throw Object.assign(new IOError(`${what}: cannot read ${path}: ${(e as Error).message}`, path), { code: (e as NodeJS.ErrnoException).code });
  }
}
