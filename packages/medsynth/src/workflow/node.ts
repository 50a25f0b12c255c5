/** The workflow under Node: everything in index.ts, plus training from a config, model folders and prediction files. */
export * from './index.js';
export { trainConfigSchema, parseTrainConfig, loadTrainConfig } from './train_config.js';
export { trainSynthesis, scoreSubjects } from './train_synthesis.js';
export { loadTrainingSubjects, subjectRoles } from './training_data.js';
export { saveSynthesisModel, loadSynthesisModel, predictVolume } from './model_folder.js';
export { writePrediction, readPredictionRecord, predictionRecordPath, trainingUnits } from './prediction_record.js';
export { cohortJobs, runCohortJob, derivativePath, bidsSuffix, ModelCache } from './cohort.js';
export type { CohortJob } from './cohort.js';
