/** The data set under Node: everything in index.ts, plus data set files (.lcnp and BOP folders). */
export * from './index.js';
export { readDataset, writeDataset } from './dataset_files.js';
export { writeBopDataset, readBopDataset, readBopModel, isBopFolder, isBopSplit } from './bop_files.js';
export type { WriteBopOptions, ReadBopOptions, BopPoseDataset } from './bop_files.js';
