/** The baseline under Node: everything in index.ts, plus forest JSON files. */
export * from './index.js';
export { loadForest, saveForest } from './forest_files.js';
