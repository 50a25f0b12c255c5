/** `lacuna`: one command line for the Lacuna toolkit, a subcommand per task. */
import { LacunaError } from '@lacuna/core';
import type { Command } from './cli_args.js';
import { infoCommand } from './commands/info.js';
import { demoCommand } from './commands/demo.js';
import { medsynthCommand } from './commands/medsynth.js';
import { dineCommand } from './commands/dine.js';
import { epropnpCommand } from './commands/epropnp.js';

const COMMANDS: Command[] = [infoCommand, demoCommand, medsynthCommand, dineCommand, epropnpCommand];

function usage(): string {
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`);
  return `usage: lacuna <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'lacuna <command> --help' for a command's options.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`lacuna: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  // Lacuna's own errors are for users: print the message, not a stack.
  if (e instanceof LacunaError) console.error(`error: ${e.message}`);
  else console.error(e);
  process.exitCode = 1;
}
