/** `lacuna dine <sub>`: black-box domain adaptation — train-source, serve, adapt, eval. */
import type { Command } from '../cli_args.js';
import { DINE_COMMANDS } from '../dine/commands.js';

function usage(): string {
  const lines = DINE_COMMANDS.map((c) => `  ${c.name.padEnd(13)} ${c.summary}`);
  return `usage: lacuna dine <command> [options]\n\nBlack-box domain adaptation (DINE, CVPR 2022): adapt to unlabelled target images when the source\nmodel only answers class probabilities.\n\ncommands:\n${lines.join('\n')}\n\nRun 'lacuna dine <command> --help' for a command's options.`;
}

export const dineCommand: Command = {
  name: 'dine',
  summary: 'black-box domain adaptation (train-source, serve, adapt, eval)',
  get usage() {
    return usage();
  },
  async run(argv) {
    const [name, ...rest] = argv;
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      console.log(usage());
      return 0;
    }
    const command = DINE_COMMANDS.find((c) => c.name === name);
    if (!command) {
      console.error(`lacuna dine: unknown command '${name}'\n\n${usage()}`);
      return 2;
    }
    return command.run(rest);
  },
};
