/**
 * Training under Node: everything in index.ts, plus checkpoint folders, model folders and the
 * JSONL log, and the file system behind runTraining's `checkpoint` and `logFile`.
 */
import { removeStaleTemps } from './atomic_dir.js';
import { engineMismatch, latestCheckpoint, listCheckpoints, loadCheckpoint, removeCheckpointsAfter, saveCheckpoint } from './checkpoint.js';
import { JsonlLog } from './jsonl_log.js';
import { installRunFiles } from './run_files.js';

installRunFiles({
  removeStaleTemps,
  latestCheckpoint,
  listCheckpoints,
  loadCheckpoint,
  saveCheckpoint,
  removeCheckpointsAfter,
  engineMismatch,
  openLog: (path) => new JsonlLog(path),
});

export * from './index.js';
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
export { fileIOHandler } from './file_io_handler.js';
export { saveModelDir, readModelDirMeta } from './model_dir.js';
export { writeDirAtomic, writeFileSynced, removeStaleTemps } from './atomic_dir.js';
export { JsonlLog } from './jsonl_log.js';
export { modelFilesInDir } from './node_model_files.js';
