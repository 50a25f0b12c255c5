/**
 * The repository's committed model folders (`models/NAME`, each with its model card), found
 * from the CLI's own location upwards: present in a checkout, absent from an installed package.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function committedModelDir(name: string): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++) {
    const candidate = join(dir, 'models', name);
    if (existsSync(join(candidate, 'MODEL_CARD.md'))) return candidate;
    dir = dirname(dir);
  }
  return null;
}
