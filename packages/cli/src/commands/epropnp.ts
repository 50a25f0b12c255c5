/** `lacuna epropnp <sub>`: EPro-PnP 6-DoF pose estimation on a rendered LineMOD-style set. */
import { commandGroup } from '../cli_args.js';
import { EPROPNP_COMMANDS } from '../epropnp/commands.js';

export const epropnpCommand = commandGroup(
  'epropnp',
  'end-to-end probabilistic PnP for 6-DoF object pose (render, train, eval, predict)',
  'End-to-end probabilistic PnP (EPro-PnP) for 6-DoF object pose on a rendered LineMOD-style data set.',
  EPROPNP_COMMANDS,
);
