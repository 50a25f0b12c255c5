/**
 * Atomic directory writes: the contents go into a fresh temporary directory next to the
 * target, are flushed to disk, and the directory is renamed into place, so a reader (or a
 * resumed run after a crash or SIGKILL) sees either no directory or a complete one.
 *
 * Replacing an existing directory takes two renames (old → aside, new → target); a crash
 * between them leaves the target missing and the previous version under `.<name>.old-*`.
 * Temporary directories are named `.<name>.tmp-<pid>-<hex>`; `removeStaleTemps` deletes those
 * whose process is gone.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { IOError } from '../errors.js';

/** Writes `bytes` to `path` and flushes it to disk. */
export async function writeFileSynced(path: string, bytes: Uint8Array | string): Promise<void> {
  const fh = await open(path, 'wx');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function syncDir(path: string): Promise<void> {
  try {
    const fh = await open(path, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Not every platform can fsync a directory; the rename is still atomic.
  }
}

/**
 * Creates `target` atomically: `fill(tmpDir)` writes the contents (use writeFileSynced),
 * then the directory is renamed to `target`, replacing any existing one. `what` starts
 * error messages.
 */
export async function writeDirAtomic(target: string, fill: (tmpDir: string) => Promise<void>, what: string): Promise<void> {
  const parent = dirname(target);
  const name = basename(target);
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = join(parent, `.${name}.tmp-${tag}`);
  try {
    await mkdir(parent, { recursive: true });
    await mkdir(tmp);
    await fill(tmp);
    await syncDir(tmp);
    if (await exists(target)) {
      const aside = join(parent, `.${name}.old-${tag}`);
      await rename(target, aside);
      await rename(tmp, target);
      await rm(aside, { recursive: true, force: true });
    } else {
      await rename(tmp, target);
    }
    await syncDir(parent);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    if (e instanceof IOError) throw e;
    throw new IOError(`${what}: cannot write ${target}: ${(e as Error).message}`, target);
  }
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/** Deletes temporary and set-aside directories in `dir` left by processes that no longer run. */
export async function removeStaleTemps(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const n of names) {
    const m = /^\..+\.(?:tmp|old)-(\d+)-[0-9a-f]+$/.exec(n);
    if (m && !processAlive(Number(m[1]))) {
      await rm(join(dir, n), { recursive: true, force: true });
      removed.push(n);
    }
  }
  return removed;
}
