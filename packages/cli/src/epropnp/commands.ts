/** The `lacuna epropnp` subcommands, in the order `--help` lists them (append new ones here). */
import type { Command } from '../cli_args.js';
import { renderCommand } from './render.js';
import { trainCommand } from './train.js';
import { evalCommand } from './eval.js';
import { predictCommand } from './predict.js';
import { detectCommand } from './detect.js';

export const EPROPNP_COMMANDS: Command[] = [renderCommand, trainCommand, evalCommand, predictCommand, detectCommand];
