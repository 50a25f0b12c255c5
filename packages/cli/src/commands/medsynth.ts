/** `lacuna medsynth <sub>`: cross-modality synthesis — phantom, train, predict, eval. */
import { commandGroup } from '../cli_args.js';
import { MEDSYNTH_COMMANDS } from '../medsynth/commands.js';

export const medsynthCommand = commandGroup(
  'medsynth',
  'cross-modality medical image synthesis (phantom, train, predict, eval)',
  'Cross-modality medical image synthesis (e.g. T1 MRI -> T2, PD, CT, PET).',
  MEDSYNTH_COMMANDS,
);
