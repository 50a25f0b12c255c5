/**
 * @lacuna/core under Node (the `node` export condition, or `@lacuna/core/node`): everything in
 * index.ts, with the `data` and `train` namespaces extended by file I/O, `loadConfig`, and
 * initBackend on Node's platform (threaded wasm, the native engine, tfjs-node).
 */
export * from './index.js';
export { initBackend, backendInfo } from './backend/node.js';
export * as data from './data/node.js';
export * as train from './train/node.js';
export { loadConfig } from './config/load_config.js';
