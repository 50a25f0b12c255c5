/**
 * What `runTraining` needs from a file system: checkpoint folders and the JSONL metrics log.
 * Node's implementation (checkpoint.ts, jsonl_log.ts) is installed by the Node entry
 * (train/node.ts); a browser has none, and a run that asks for checkpoints or a log file
 * there says so instead of failing on a missing `fs`.
 */
import { LacunaError } from '../errors.js';
import type { CheckpointData, CheckpointInfo, CheckpointMeta, CheckpointTargets } from './checkpoint.js';

export interface RunLog {
  append(record: Readonly<Record<string, unknown>>): void;
  /** Drops the records after `step` (a resumed run rewrites them). */
  truncateAfter(step: number): Promise<void>;
}

export interface RunFiles {
  removeStaleTemps(dir: string): Promise<unknown>;
  latestCheckpoint(dir: string): Promise<string | null>;
  listCheckpoints(dir: string): Promise<CheckpointInfo[]>;
  loadCheckpoint(path: string, targets: CheckpointTargets): Promise<CheckpointMeta>;
  saveCheckpoint(dir: string, data: CheckpointData, options: { keep?: number }): Promise<string>;
  removeCheckpointsAfter(dir: string, step: number): Promise<void>;
  /** Why resuming `meta` on this engine is not bit-exact, or null. */
  engineMismatch(meta: CheckpointMeta): string | null;
  openLog(path: string): RunLog;
}

let installed: RunFiles | null = null;

/** Installs the file system runTraining uses (the Node entry installs Node's). */
export function installRunFiles(files: RunFiles): void {
  installed = files;
}

/** The installed run files; `what` names the caller in the error when there are none. */
export function runFiles(what: string): RunFiles {
  if (!installed) {
    throw new LacunaError(`${what} write files, which needs Node.js; in a browser leave them unset (onStep reports progress)`);
  }
  return installed;
}
