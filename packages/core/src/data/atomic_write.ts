/**
 * Atomic file writes: the bytes go to a temporary file in the target's directory, are
 * flushed to disk, and the temporary file is renamed over the target, so readers see
 * either the old file or the complete new one, never a partial write.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { IOError } from '../errors.js';

/** Writes `bytes` to `path` atomically (creating its folder); failures throw an IOError starting with `what`. */
export async function writeFileAtomic(path: string, bytes: Uint8Array, what: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dirname(path), { recursive: true });
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new IOError(`${what}: cannot write ${path}: ${(e as Error).message}`, path);
  }
}
