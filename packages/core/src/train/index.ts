/** Training: optimisers and schedules, the loop, checkpoints, progress and logs. */
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
export {
  saveCheckpoint,
  loadCheckpoint,
  loadModelWeights,
  listCheckpoints,
  latestCheckpoint,
  pruneCheckpoints,
  readCheckpointMeta,
  checkpointDirName,
  engineMismatch,
  CHECKPOINT_FORMAT,
} from './checkpoint.js';
export type { CheckpointData, CheckpointMeta, CheckpointTargets, CheckpointInfo, CheckpointEngine } from './checkpoint.js';
export { fileIOHandler } from './file_io_handler.js';
export { saveModelDir, readModelDirMeta } from './model_dir.js';
export type { ModelDirFormat, ModelDirContents } from './model_dir.js';
export { writeDirAtomic, writeFileSynced, removeStaleTemps } from './atomic_dir.js';
export { Progress, formatDuration } from './progress.js';
export type { ProgressMode, ProgressOptions } from './progress.js';
export { JsonlLog } from './jsonl_log.js';
