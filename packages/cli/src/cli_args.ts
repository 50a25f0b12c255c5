/** Small helpers for subcommand option parsing with clear errors (node:util parseArgs). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { BackendInfo, BackendName } from '@lacuna/core';
// Only the light errors module at load time: `lacuna --help` must not load TensorFlow.js.
import { ConfigError } from '@lacuna/core/errors';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(argv: string[]): Promise<number>;
}

/**
 * Parses argv for `command`; unknown options name the command and list what it accepts. An
 * option given twice is an error unless it is declared `multiple` (parseArgs alone would keep
 * the last value without a word).
 */
/** The parsed values: strings, booleans, or string lists for `multiple` options. */
export type OptionValues<O extends Options> = {
  -readonly [K in keyof O]?: O[K] extends { type: 'boolean' } ? boolean : O[K] extends { multiple: true } ? string[] : string;
} & { help?: boolean };

export function parseOptions<O extends Options>(command: string, argv: string[], options: O): OptionValues<O> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: false, strict: true, tokens: true });
  } catch (e) {
    const known = Object.keys(options).map((k) => `--${k}`).join(', ');
    throw new ConfigError(`lacuna ${command}: ${(e as Error).message} (options: ${known}, --help)`, command);
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option' || options[t.name]?.multiple) continue;
    if (seen.has(t.name)) throw new ConfigError(`lacuna ${command}: --${t.name} is given more than once; give it once`, t.name);
    seen.add(t.name);
  }
  return parsed.values as OptionValues<O>;
}

/** Options that take a value, by name: strings('out', 'seed') is { out: { type: 'string' }, seed: { type: 'string' } }. */
export function strings<const K extends string>(...names: K[]): { [P in K]: { type: 'string' } } {
  return Object.fromEntries(names.map((n) => [n, { type: 'string' }])) as { [P in K]: { type: 'string' } };
}

/** `--help`: prints the command's usage; the exit code 0. */
export function printUsage(usage: string): number {
  console.log(usage);
  return 0;
}

/** The options every training or inference command takes: --backend NAME, --threads N. */
export const backendOptions = { backend: { type: 'string' }, threads: { type: 'string' } } as const;

/** Starts the tensor backend from --backend and --threads (defaults: the best engine, all cores). */
export async function startBackend(command: string, o: { backend?: string; threads?: string }): Promise<BackendInfo> {
  const threads = o.threads === undefined ? undefined : positiveInt(command, 'threads', o.threads, 1);
  const { initBackend } = await import('@lacuna/core');
  return initBackend({ ...(o.backend ? { backend: o.backend as BackendName } : {}), ...(threads ? { threads } : {}) });
}

/** A required option's value, or a ConfigError naming it: `lacuna <command>: --<name> <what> is required`. */
export function required(command: string, value: string | undefined, name: string, what: string): string {
  if (!value) throw new ConfigError(`lacuna ${command}: --${name} ${what} is required`, name);
  return value;
}

/** Parses a positive integer option, naming it in the error. */
export function positiveInt(command: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`lacuna ${command}: --${name} must be a positive integer, got '${value}'`, name, value);
  return n;
}

/** Parses a finite number >= 0 option, naming it in the error. */
export function nonNegativeNumber(command: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value === '' || !Number.isFinite(n) || n < 0) throw new ConfigError(`lacuna ${command}: --${name} must be a number >= 0, got '${value}'`, name, value);
  return n;
}

/**
 * A command whose code is loaded only when it runs (or shows its usage): the top level lists
 * every system without importing any of them.
 */
export function lazyCommand(name: string, summary: string, load: () => Promise<Command>): Command {
  let loaded: Command | null = null;
  const get = async () => (loaded ??= await load());
  return {
    name,
    summary,
    get usage() {
      return loaded?.usage ?? `lacuna ${name} --help`;
    },
    run: async (argv) => (await get()).run(argv),
  };
}

/**
 * A command made of subcommands (`lacuna <group> <sub> ...`): `--help` lists them with their
 * summaries, an unknown name is exit code 2 with the list.
 */
export function commandGroup(name: string, summary: string, description: string, commands: readonly Command[]): Command {
  const program = name ? `lacuna ${name}` : 'lacuna'; // '' is the top level
  const usage = () => {
    const width = Math.max(10, ...commands.map((c) => c.name.length + 2));
    const lines = commands.map((c) => `  ${c.name.padEnd(width)} ${c.summary}`);
    return `usage: ${program} <command> [options]\n\n${description ? `${description}\n\n` : ''}commands:\n${lines.join('\n')}\n\nRun '${program} <command> --help' for a command's options.`;
  };
  return {
    name,
    summary,
    get usage() {
      return usage();
    },
    async run(argv) {
      const [sub, ...rest] = argv;
      if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
        console.log(usage());
        return 0;
      }
      const command = commands.find((c) => c.name === sub);
      if (!command) {
        console.error(`${program}: unknown command '${sub}'\n\n${usage()}`);
        return 2;
      }
      return command.run(rest);
    },
  };
}
