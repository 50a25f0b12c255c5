/** Training: optimisers and schedules, the loop and progress (checkpoints and logs: node.ts). */
export { runTraining } from './loop.js';
export { fitSteps } from './fit_steps.js';
export type { FitStepsOptions } from './fit_steps.js';
export type { TrainOptions, TrainResult, StepContext, StepLosses, CheckpointOptions, StatefulRng } from './loop.js';
export { Optimizer, trainableVariables } from './optimizer.js';
export { FusedAdamOptimizer } from './fused_adam.js';
export type { OptimizerOptions, OptimizerKind, OptimizerState, NamedTensor, VariableSource } from './optimizer.js';
export { constantLr, stepLr, multiStepLr, cosineLr, inverseLr, polyLr, linearDecayLr } from './schedules.js';
export type { LrSchedule } from './schedules.js';
export { clipByGlobalNorm, globalNorm } from './clip.js';
export type { CheckpointData, CheckpointMeta, CheckpointTargets, CheckpointInfo, CheckpointEngine } from './checkpoint.js';
export type { ModelDirFormat, ModelDirContents } from './model_dir.js';
export type { RunFiles, RunLog } from './run_files.js';
export { modelFilesFromMap, modelFilesFromUrl, modelFilesIOHandler, readModelMeta, setModelWeights, readJsonFile } from './model_files.js';
export type { ModelFiles } from './model_files.js';
export { Progress, formatDuration } from './progress.js';
export type { ProgressMode, ProgressOptions } from './progress.js';
export { encodeFloats, decodeFloats } from './float_state.js';
