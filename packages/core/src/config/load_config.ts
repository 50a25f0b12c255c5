/** Reading a config file (Node): the file and JSON errors name the file; parse_config.ts validates. */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { ConfigError, IOError } from '../errors.js';
import { parseConfig } from './parse_config.js';

/** Reads a JSON config file and validates it; file and JSON errors name the file. */
export async function loadConfig<S extends z.ZodType>(schema: S, path: string): Promise<z.infer<S>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new IOError(`${path}: cannot read config (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, path);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${path}: not valid JSON (${(e as Error).message})`, '(file)');
  }
  return parseConfig(schema, value, path);
}

