/** `lacuna dine <sub>`: black-box domain adaptation — train-source, serve, adapt, eval. */
import { commandGroup } from '../cli_args.js';
import { DINE_COMMANDS } from '../dine/commands.js';

export const dineCommand = commandGroup(
  'dine',
  'black-box domain adaptation (train-source, serve, adapt, eval)',
  'Black-box domain adaptation (DINE, CVPR 2022): adapt to unlabelled target images when the source\nmodel only answers class probabilities.',
  DINE_COMMANDS,
);
