/** Training runs from a config, model folders, whole-volume prediction, and the task side of runs. */
export { trainConfigSchema, parseTrainConfig, loadTrainConfig } from './train_config.js';
export type { TrainConfig, SubjectConfig, LossWeights, TaskConfig, SegmenterSettings } from './train_config.js';
export { trainSynthesis, scoreSubjects } from './train_synthesis.js';
export type { TrainSynthesisOptions, TrainSynthesisResult, SubjectMeanScores } from './train_synthesis.js';
export { loadTrainingSubjects, subjectRoles } from './training_data.js';
export type { SplitSubjects } from './training_data.js';
export { saveSynthesisModel, loadSynthesisModel, generatorFor, forestSynthesizer, MODEL_FORMAT } from './model_bundle.js';
export type { ModelMeta, LoadedSynthesisModel } from './model_bundle.js';
export { predictVolume, fillBackground } from './predict_volume.js';
export type { SynthesisModelInfo, PredictVolumeOptions } from './predict_volume.js';
export { writePrediction, readPredictionRecord, predictionRecordPath, trainingUnits } from './prediction_record.js';
export type { PredictionRecord } from './prediction_record.js';
export { generatorSynthesizer } from './slice_synthesizer.js';
export type { SliceSynthesizer } from './slice_synthesizer.js';
export { sliceGrid } from './slice_grid.js';
export { trainTaskSegmenter, taskDiceScore, huClassScore, segClassStack } from './task_models.js';
export type { TaskDice, HuClassScore } from './task_models.js';
