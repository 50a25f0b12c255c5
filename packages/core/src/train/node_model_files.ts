/** A model folder on disk as ModelFiles (model_files.ts). */
import { join } from 'node:path';
import { readBytes } from '../data/read_bytes.js';
import type { ModelFiles } from './model_files.js';

export function modelFilesInDir(dir: string): ModelFiles {
  return { where: dir, read: (name, what) => readBytes(join(dir, ...name.split('/')), what) };
}
