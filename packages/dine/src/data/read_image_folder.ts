/** An image folder on disk (Node): `<class>/<file>` PNG or JPEG files, read for imageFolderSet. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { data, IOError } from '@lacuna/core';
import type { DigitSet } from './digit_set.js';
import { imageFolderSet, type ImageFile, type ImageFolderOptions } from './image_folder.js';

export async function readImageFolder(dir: string, options: ImageFolderOptions = {}): Promise<DigitSet> {
  let entries: string[];
  try {
    entries = (await readdir(dir)).sort();
  } catch (e) {
    throw new IOError(`readImageFolder: cannot read folder ${dir}: ${(e as Error).message}`, dir);
  }
  const files: ImageFile[] = [];
  for (const e of entries) {
    const path = join(dir, e);
    if ((await stat(path)).isDirectory()) {
      for (const f of (await readdir(path)).sort()) if (/\.(png|jpe?g)$/i.test(f)) files.push({ path: `${e}/${f}`, bytes: await data.readBytes(join(path, f), 'readImageFolder') });
    } else if (/\.(png|jpe?g)$/i.test(e)) {
      files.push({ path: e, bytes: await data.readBytes(path, 'readImageFolder') });
    }
  }
  return imageFolderSet(files, { name: dir, ...options });
}
