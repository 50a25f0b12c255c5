/** The data set under Node: everything in index.ts, plus data set files. */
export * from './index.js';
export { readDataset, writeDataset } from './dataset_files.js';
