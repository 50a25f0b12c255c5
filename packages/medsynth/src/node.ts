/**
 * @lacuna/medsynth under Node (the `node` export condition, or `@lacuna/medsynth/node`):
 * everything in index.ts, plus training from a config, model folders, NIfTI files in and out,
 * and the phantom written as a cohort.
 */
export * from './index.js';
export { parseTrainConfig, loadTrainConfig } from './workflow/train_config.js';
export { trainSynthesis } from './workflow/train_synthesis.js';
export { loadSynthesisModel, saveSynthesisModel, predictVolume } from './workflow/model_folder.js';
export { writePrediction, readPredictionRecord, trainingUnits } from './workflow/prediction_record.js';
export { cohortJobs, runCohortJob, ModelCache } from './workflow/cohort.js';
export type { CohortJob } from './workflow/cohort.js';
export { writePhantom } from './phantom/node.js';
export * as data from './data/node.js';
export * as phantom from './phantom/node.js';
export * as baseline from './baseline/node.js';
export * as workflow from './workflow/node.js';
export * as harmonisation from './harmonisation/index.js';
export * as registration from './registration/node.js';
