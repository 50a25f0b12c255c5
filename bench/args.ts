/**
 * The one option parser of the benchmarks (node:util parseArgs underneath): each bench
 * declares its options with a kind and a default, and gets typed values back. Unknown
 * options, missing values and bad numbers are errors naming the bench and the option.
 */
import { parseArgs } from 'node:util';

type Kind = 'int' | 'count' | 'number' | 'string' | 'list' | 'ints' | 'flag' | 'repeat';

/** int: integer >= 0; count: integer >= 1; number: > 0; list: a,b,c; ints: 1,2 (counts); repeat: the option may be given several times. */
export interface OptionSpec {
  readonly kind: Kind;
  readonly default?: number | string | boolean | readonly string[] | readonly number[];
  /** Allowed values (string, list and repeat kinds). */
  readonly choices?: readonly string[];
}

type ValueOf<O extends OptionSpec> = O['kind'] extends 'int' | 'count' | 'number' ? number
  : O['kind'] extends 'flag' ? boolean
  : O['kind'] extends 'ints' ? number[]
  : O['kind'] extends 'list' | 'repeat' ? string[]
  : O extends { default: string } ? string : string | undefined;

export type BenchArgs<S extends Record<string, OptionSpec>> = { -readonly [K in keyof S]: ValueOf<S[K]> };

export function benchArgs<S extends Record<string, OptionSpec>>(bench: string, argv: string[], spec: S): BenchArgs<S> {
  const options = Object.fromEntries(Object.entries(spec).map(([k, o]) => [k, { type: o.kind === 'flag' ? 'boolean' : 'string', ...(o.kind === 'repeat' ? { multiple: true } : {}) }]));
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args: argv, options: options as never, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new Error(`bench ${bench}: ${(e as Error).message} (options: ${Object.keys(spec).map((k) => `--${k}`).join(', ')})`);
  }
  const fail = (k: string, why: string, got: unknown): never => {
    throw new Error(`bench ${bench}: --${k} ${why}, got ${JSON.stringify(got)}`);
  };
  const number = (k: string, v: string, kind: Kind) => {
    const n = Number(v);
    if (kind === 'number' ? !(n > 0) : !(Number.isInteger(n) && n >= (kind === 'int' ? 0 : 1))) fail(k, kind === 'number' ? 'needs a positive number' : kind === 'int' ? 'needs an integer >= 0' : 'needs a positive integer', v);
    return n;
  };
  const out: Record<string, unknown> = {};
  for (const [k, o] of Object.entries(spec)) {
    const v = values[k];
    if (v === undefined) {
      out[k] = Array.isArray(o.default) ? [...o.default] : o.default ?? (o.kind === 'flag' ? false : o.kind === 'repeat' ? [] : undefined);
      continue;
    }
    const check = (s: string) => (o.choices && !o.choices.includes(s) ? fail(k, `takes ${o.choices.join(', ')}`, s) : s);
    if (o.kind === 'flag') out[k] = v;
    else if (o.kind === 'repeat') out[k] = (v as string[]).map(check);
    else if (o.kind === 'list') out[k] = (v as string).split(',').map(check);
    else if (o.kind === 'ints') out[k] = (v as string).split(',').map((s) => number(k, s, 'count'));
    else if (o.kind === 'string') out[k] = check(v as string);
    else out[k] = number(k, v as string, o.kind);
  }
  return out as BenchArgs<S>;
}
