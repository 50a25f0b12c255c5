/** The `lacuna medsynth` subcommands, in the order `--help` lists them. */
import type { Command } from '../cli_args.js';
import { cohortCommand } from './cohort.js';
import { diagnoseCommand } from './diagnose.js';
import { evalCommand } from './eval.js';
import { harmoniseCommand } from './harmonise.js';
import { phantomCommand } from './phantom.js';
import { predictCommand } from './predict.js';
import { trainCommand } from './train.js';

export const MEDSYNTH_COMMANDS: Command[] = [
  phantomCommand,
  trainCommand,
  predictCommand,
  evalCommand,
  cohortCommand,
  diagnoseCommand,
  harmoniseCommand,
];
