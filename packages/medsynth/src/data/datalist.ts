/**
 * Subjects from a MONAI-style datalist (the JSON of `load_decathlon_datalist`):
 * `{ "training": [{ "image": ["t1.nii.gz"], "label": "t2.nii.gz" }], "validation": [...], "test": [...] }`,
 * with `image` the source file(s) in channel order and `label` the target; paths relative to
 * the JSON's folder. The three lists give the subjects' roles.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, IOError, parseConfig, z } from '@lacuna/core';
import type { SubjectFiles } from './paired_volumes.js';

const entry = z.strictObject({
  image: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  label: z.string().min(1).optional(),
  /** Subject id; default: derived from the first image's file name. */
  id: z.string().min(1).optional(),
  mask: z.string().min(1).optional(),
});
// Other top-level keys (MONAI's "name", "description", "labels", ...) are allowed and ignored.
const datalistSchema = z.object({
  training: z.array(entry).default([]),
  validation: z.array(entry).default([]),
  test: z.array(entry).default([]),
});

export type DatalistRole = 'train' | 'val' | 'test';

/** The subjects of a datalist file with their roles; `sources` is how many source files each entry must give. */
export async function readDatalist(path: string, sources: number): Promise<{ files: SubjectFiles; role: DatalistRole }[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new IOError(`${path}: cannot read the datalist (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, path);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${path}: not valid JSON (${(e as Error).message})`, 'datalist');
  }
  const list = parseConfig(datalistSchema, json, path);
  const base = dirname(path);
  const at = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const out: { files: SubjectFiles; role: DatalistRole }[] = [];
  for (const [key, role] of [['training', 'train'], ['validation', 'val'], ['test', 'test']] as const) {
    for (const [i, e] of list[key].entries()) {
      const images = typeof e.image === 'string' ? [e.image] : e.image;
      if (images.length !== sources) throw new ConfigError(`${path}: ${key}[${i}].image has ${images.length} file(s), data.source names ${sources} modalit${sources === 1 ? 'y' : 'ies'}`, `${key}[${i}].image`);
      if (!e.label) throw new ConfigError(`${path}: ${key}[${i}] has no "label" (the target image)`, `${key}[${i}].label`);
      const id = e.id ?? images[0]!.split('/').pop()!.replace(/\.nii(\.gz)?$/, '');
      out.push({ files: { id, source: images.map(at), target: at(e.label), ...(e.mask ? { mask: at(e.mask) } : {}) }, role });
    }
  }
  if (out.length === 0) throw new ConfigError(`${path}: the datalist has no entries under training, validation or test`, 'datalist');
  return out;
}
