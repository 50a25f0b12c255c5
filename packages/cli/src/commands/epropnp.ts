/** `lacuna epropnp <sub>`: EPro-PnP 6-DoF pose estimation on a rendered LineMOD-style set. */
import type { Command } from '../cli_args.js';
import { EPROPNP_COMMANDS } from '../epropnp/commands.js';

function usage(): string {
  const lines = EPROPNP_COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`);
  return `usage: lacuna epropnp <command> [options]\n\nEnd-to-end probabilistic PnP (EPro-PnP) for 6-DoF object pose on a rendered LineMOD-style data set.\n\ncommands:\n${lines.join('\n')}\n\nRun 'lacuna epropnp <command> --help' for a command's options.`;
}

export const epropnpCommand: Command = {
  name: 'epropnp',
  summary: 'end-to-end probabilistic PnP for 6-DoF object pose (render, train, eval, predict)',
  get usage() {
    return usage();
  },
  async run(argv) {
    const [name, ...rest] = argv;
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      console.log(usage());
      return 0;
    }
    const command = EPROPNP_COMMANDS.find((c) => c.name === name);
    if (!command) {
      console.error(`lacuna epropnp: unknown command '${name}'\n\n${usage()}`);
      return 2;
    }
    return command.run(rest);
  },
};
