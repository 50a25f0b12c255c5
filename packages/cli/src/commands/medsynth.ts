/** `lacuna medsynth <sub>`: cross-modality synthesis — phantom, train, predict, eval. */
import type { Command } from '../cli_args.js';
import { MEDSYNTH_COMMANDS } from '../medsynth/commands.js';

function usage(): string {
  const lines = MEDSYNTH_COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`);
  return `usage: lacuna medsynth <command> [options]\n\nCross-modality medical image synthesis (e.g. T1 MRI -> T2, PD, CT, PET).\n\ncommands:\n${lines.join('\n')}\n\nRun 'lacuna medsynth <command> --help' for a command's options.`;
}

export const medsynthCommand: Command = {
  name: 'medsynth',
  summary: 'cross-modality medical image synthesis (phantom, train, predict, eval)',
  get usage() {
    return usage();
  },
  async run(argv) {
    const [name, ...rest] = argv;
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      console.log(usage());
      return 0;
    }
    const command = MEDSYNTH_COMMANDS.find((c) => c.name === name);
    if (!command) {
      console.error(`lacuna medsynth: unknown command '${name}'\n\n${usage()}`);
      return 2;
    }
    return command.run(rest);
  },
};
