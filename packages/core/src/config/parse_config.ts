/**
 * Config files: JSON validated against a zod schema. Every problem is reported at once, each
 * as `file: path.to.field: what was wrong (got value)`, so a user can fix a config in one go.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';

function describe(value: unknown): string {
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** Validates `value` against `schema`; throws one ConfigError listing every problem. */
export function parseConfig<S extends z.ZodType>(schema: S, value: unknown, source = 'config'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const field = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
    const got = issue.code === 'unrecognized_keys' ? '' : ` (got ${describe(valueAt(value, issue.path))})`;
    return `  ${field}: ${issue.message}${got}`;
  });
  const first = result.error.issues[0]!;
  throw new ConfigError(`${source}: invalid config\n${lines.join('\n')}`, first.path.map(String).join('.'), valueAt(value, first.path));
}

export { z };
