/** The CDPN-style correspondence network and its mapping to PnP inputs. */
export { buildCdpnNet, cdpnForward } from './cdpn_net.js';
export type { CdpnNetOptions, CdpnOutputs } from './cdpn_net.js';
export { pnpInputs, pixelGridX2d, cropBounds } from './pnp_inputs.js';
export type { PnpInputs, PnpInputOptions } from './pnp_inputs.js';
