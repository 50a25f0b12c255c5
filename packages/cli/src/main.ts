/** `lacuna`: one command line for the Lacuna toolkit, a subcommand per task. */
import { LacunaError } from '@lacuna/core';
import { commandGroup } from './cli_args.js';
import { infoCommand } from './commands/info.js';
import { demoCommand } from './commands/demo.js';
import { medsynthCommand } from './commands/medsynth.js';
import { dineCommand } from './commands/dine.js';
import { epropnpCommand } from './commands/epropnp.js';

const lacuna = commandGroup('', 'Lacuna', '', [infoCommand, demoCommand, medsynthCommand, dineCommand, epropnpCommand]);

try {
  process.exitCode = await lacuna.run(process.argv.slice(2));
} catch (e) {
  // Lacuna's own errors are for users: print the message, not a stack.
  if (e instanceof LacunaError) console.error(`error: ${e.message}`);
  else console.error(e);
  process.exitCode = 1;
}
