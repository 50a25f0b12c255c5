/** Opening models, whole-volume synthesis, and the task side of runs (training, configs, folders on disk: node.ts). */
export type { TrainConfig, SubjectConfig, LossWeights, TaskConfig, SegmenterSettings } from './train_config.js';
export type { TrainSynthesisOptions, TrainSynthesisResult, SubjectMeanScores } from './train_synthesis.js';
export type { SplitSubjects } from './training_data.js';
export { openSynthesisModel, generatorFor, forestSynthesizer, MODEL_FORMAT, MODEL_FOLDER } from './model_bundle.js';
export type { ModelMeta, LoadedSynthesisModel } from './model_bundle.js';
export { synthesizeVolume, fillBackground, predictPlanes } from './predict_volume.js';
export { slidingWindowPredict, windowStarts, gaussianImportance } from './sliding_window.js';
export type { SlidingWindowOptions } from './sliding_window.js';
export type { SynthesisModelInfo, PredictVolumeOptions } from './predict_volume.js';
export type { PredictionRecord } from './prediction_record.js';
export { generatorSynthesizer, averageSynthesizer } from './slice_synthesizer.js';
export type { SliceSynthesizer } from './slice_synthesizer.js';
export { sliceGrid } from './slice_grid.js';
export { trainTaskSegmenter, taskDiceScore, huClassScore, segClassStack } from './task_models.js';
export type { TaskDice, HuClassScore } from './task_models.js';
