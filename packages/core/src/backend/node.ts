/** Backend selection under Node: installs the Node platform (see node_platform.ts). */
import { nodeBackendPlatform } from './node_platform.js';
import { installBackendPlatform } from './select.js';

installBackendPlatform(nodeBackendPlatform);

export { initBackend, backendInfo, activeNativeEngine } from './select.js';
