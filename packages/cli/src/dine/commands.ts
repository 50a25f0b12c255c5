/** The `lacuna dine` subcommands, in the order `--help` lists them. */
import type { Command } from '../cli_args.js';
import { adaptCommand } from './adapt.js';
import { evalCommand } from './eval.js';
import { serveCommand } from './serve.js';
import { trainSourceCommand } from './train_source.js';

export const DINE_COMMANDS: Command[] = [trainSourceCommand, serveCommand, adaptCommand, evalCommand];
