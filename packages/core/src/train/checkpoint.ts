/**
 * Training checkpoints: one directory per checkpoint, written atomically (see atomic_dir.ts):
 *
 *   <root>/step-000000040/
 *     meta.json                        step, RNG state, user state, names, reason
 *     models/<name>/model.json         TF.js LayersModel topology + weights manifest
 *     models/<name>/weights.bin        (loadable by tfl.loadLayersModel(fileIOHandler(dir)))
 *     optimizers/<name>.json           weight specs of the optimiser state
 *     optimizers/<name>.bin            iteration count, slot variables (Adam m/v, momentum)
 *
 * Restoring sets weights into already-built models by position (shapes checked), so the
 * training script rebuilds its models as usual and then loads.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { IOError, ValueError } from '../errors.js';
import { writeDirAtomic, writeFileSynced } from './atomic_dir.js';
import { fileIOHandler, weightBytes } from './file_io_handler.js';
import { decodeWeightsInOrder, setModelWeights } from './model_files.js';
import { modelFilesInDir } from './node_model_files.js';
import type { Optimizer, OptimizerKind } from './optimizer.js';
import { backendInfo, type EngineName } from '../backend/select.js';

export const CHECKPOINT_FORMAT = 'lacuna-checkpoint';
const META = 'meta.json';
const NAME_RE = /^[A-Za-z0-9_.-]+$/;

export interface CheckpointTargets {
  readonly models?: Readonly<Record<string, tfl.LayersModel>>;
  readonly optimizers?: Readonly<Record<string, Optimizer>>;
}

export interface CheckpointData extends CheckpointTargets {
  /** Completed training steps. */
  readonly step: number;
  /** JSON-serialisable RNG state. */
  readonly rngState?: unknown;
  /** JSON-serialisable user state. */
  readonly userState?: unknown;
  /** Why it was written, for the record ('periodic', 'final', 'signal', …). */
  readonly reason?: string;
  /** Training seconds up to this step, over every run that led to it. */
  readonly elapsedSeconds?: number;
}

export interface CheckpointMeta {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly version: 1;
  readonly step: number;
  readonly savedAt: string;
  readonly reason?: string;
  readonly models: string[];
  readonly optimizers: { name: string; kind: OptimizerKind; step: number }[];
  readonly rngState?: unknown;
  readonly userState?: unknown;
  /** Training seconds up to this step, over every run that led to it (resumed runs add up). */
  readonly elapsedSeconds?: number;
  /**
   * The kernel engine and thread count that computed this state. Resuming on the same engine
   * and thread count continues bit for bit; on another, within float32 rounding.
   */
  readonly engine?: CheckpointEngine;
}

export interface CheckpointEngine {
  /** An EngineName, or the tfjs backend's name when initBackend was not used. */
  readonly engine: EngineName | string;
  readonly threads: number;
  readonly version?: string;
}

/** The engine doing the work now, as a checkpoint records it. */
export function currentCheckpointEngine(): CheckpointEngine | undefined {
  const info = backendInfo();
  if (!info || tf.getBackend() !== info.backend) {
    // Set up with tf.setBackend directly (or switched since initBackend).
    const name = tf.getBackend();
    return name ? { engine: name, threads: 1, version: tf.version_core } : undefined;
  }
  const version = info.native?.version ?? (info.backend === 'wasm' ? info.versions['tfjs-backend-wasm'] : info.versions['tfjs-core']);
  return { engine: info.engine, threads: info.native?.threads ?? info.threads, ...(version ? { version } : {}) };
}

/** Why resuming `meta` here may not be bit-exact, or null when it will be. */
export function engineMismatch(meta: CheckpointMeta): string | null {
  const now = currentCheckpointEngine();
  const then = meta.engine;
  if (!then || !now) return null;
  if (then.engine === now.engine && then.threads === now.threads && then.version === now.version) return null;
  const say = (e: CheckpointEngine) => `${e.engine}${e.version ? ` ${e.version}` : ''}, ${e.threads} thread(s)`;
  return `checkpoint step ${meta.step} was computed on ${say(then)}, this run uses ${say(now)}: training continues, but not bit for bit as an uninterrupted run would`;
}

export interface CheckpointInfo {
  readonly step: number;
  readonly path: string;
}

export function checkpointDirName(step: number): string {
  return `step-${String(step).padStart(9, '0')}`;
}

function checkNames(names: string[], what: string): void {
  for (const n of names) if (!NAME_RE.test(n)) throw new ValueError(`saveCheckpoint: ${what} name '${n}' must match ${NAME_RE}`);
}

/** Writes a checkpoint under `root` and returns its directory; then keeps only the newest `keep` (if given). */
export async function saveCheckpoint(root: string, data: CheckpointData, options: { keep?: number } = {}): Promise<string> {
  if (!(Number.isInteger(data.step) && data.step >= 0)) throw new ValueError(`saveCheckpoint: step must be a non-negative integer, got ${data.step}`);
  const models = Object.entries(data.models ?? {});
  const optimizers = Object.entries(data.optimizers ?? {});
  checkNames(models.map(([n]) => n), 'model');
  checkNames(optimizers.map(([n]) => n), 'optimizer');
  const target = join(root, checkpointDirName(data.step));
  const meta: CheckpointMeta = {
    format: CHECKPOINT_FORMAT,
    version: 1,
    step: data.step,
    savedAt: new Date().toISOString(),
    ...(data.reason !== undefined ? { reason: data.reason } : {}),
    models: models.map(([n]) => n),
    optimizers: [],
    ...(data.rngState !== undefined ? { rngState: data.rngState } : {}),
    ...(data.userState !== undefined ? { userState: data.userState } : {}),
    ...(data.elapsedSeconds !== undefined ? { elapsedSeconds: data.elapsedSeconds } : {}),
    ...(currentCheckpointEngine() ? { engine: currentCheckpointEngine()! } : {}),
  };
  await writeDirAtomic(
    target,
    async (tmp) => {
      if (models.length > 0) await mkdir(join(tmp, 'models'));
      for (const [name, model] of models) await model.save(fileIOHandler(join(tmp, 'models', name)));
      if (optimizers.length > 0) await mkdir(join(tmp, 'optimizers'));
      for (const [name, opt] of optimizers) {
        const state = await opt.getState();
        const { data: bytes, specs } = await tf.io.encodeWeights(state.tensors.map((t) => ({ name: t.name, tensor: t.tensor })));
        tf.dispose(state.tensors.filter((t) => t.name === 'iter').map((t) => t.tensor)); // getWeights makes a fresh 'iter' scalar
        await writeFileSynced(join(tmp, 'optimizers', `${name}.bin`), weightBytes(bytes));
        await writeFileSynced(join(tmp, 'optimizers', `${name}.json`), JSON.stringify({ kind: state.kind, step: state.step, weightSpecs: specs }));
        meta.optimizers.push({ name, kind: state.kind, step: state.step });
      }
      await writeFileSynced(join(tmp, META), JSON.stringify(meta, null, 1));
    },
    'saveCheckpoint',
  );
  if (options.keep !== undefined) await pruneCheckpoints(root, options.keep);
  return target;
}

/** Complete checkpoints under `root`, oldest first. */
export async function listCheckpoints(root: string): Promise<CheckpointInfo[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const out: CheckpointInfo[] = [];
  for (const n of names) {
    const m = /^step-(\d+)$/.exec(n);
    if (!m) continue;
    try {
      await stat(join(root, n, META));
      out.push({ step: Number(m[1]), path: join(root, n) });
    } catch {
      // not a complete checkpoint
    }
  }
  return out.sort((a, b) => a.step - b.step);
}

/** The newest complete checkpoint under `root`, or null. */
export async function latestCheckpoint(root: string): Promise<string | null> {
  const all = await listCheckpoints(root);
  return all.length ? all[all.length - 1]!.path : null;
}

/** Deletes all but the newest `keep` checkpoints. */
export async function pruneCheckpoints(root: string, keep: number): Promise<void> {
  if (!(Number.isInteger(keep) && keep >= 1)) throw new ValueError(`pruneCheckpoints: keep must be a positive integer, got ${keep}`);
  const all = await listCheckpoints(root);
  for (const c of all.slice(0, Math.max(0, all.length - keep))) await rm(c.path, { recursive: true, force: true });
}

/** Deletes checkpoints with a step greater than `step` (a resumed run's abandoned future). */
export async function removeCheckpointsAfter(root: string, step: number): Promise<void> {
  for (const c of await listCheckpoints(root)) if (c.step > step) await rm(c.path, { recursive: true, force: true });
}

async function readJson<T>(path: string, what: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (e) {
    throw new IOError(`${what}: cannot read ${path}: ${(e as Error).message}`, path);
  }
}

async function readBytes(path: string, what: string): Promise<Uint8Array> {
  try {
    const b = await readFile(path);
    return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  } catch (e) {
    throw new IOError(`${what}: cannot read ${path}: ${(e as Error).message}`, path);
  }
}

function decodeInOrder(bytes: Uint8Array, specs: tf.io.WeightsManifestEntry[], where: string): tf.Tensor[] {
  return decodeWeightsInOrder(bytes, specs, where, 'loadCheckpoint');
}

/** Sets a model's weights from a TF.js model directory (model.json + weights), by position. */
export async function loadModelWeights(model: tfl.LayersModel, dir: string): Promise<void> {
  await setModelWeights(model, modelFilesInDir(dir));
}

/** Reads a checkpoint's meta.json. */
export async function readCheckpointMeta(path: string): Promise<CheckpointMeta> {
  const meta = await readJson<CheckpointMeta>(join(path, META), 'readCheckpointMeta');
  if (meta.format !== CHECKPOINT_FORMAT) throw new IOError(`readCheckpointMeta: ${path} is not a ${CHECKPOINT_FORMAT} (format '${meta.format}')`, path);
  return meta;
}

/**
 * Restores `targets` from the checkpoint at `path` and returns its meta (step, RNG and user
 * state, which the caller applies). Every model and optimiser in `targets` must be in the
 * checkpoint; extra ones in the checkpoint are ignored.
 */
export async function loadCheckpoint(path: string, targets: CheckpointTargets): Promise<CheckpointMeta> {
  const meta = await readCheckpointMeta(path);
  for (const [name, model] of Object.entries(targets.models ?? {})) {
    if (!meta.models.includes(name)) throw new IOError(`loadCheckpoint: ${path} has no model '${name}' (has ${meta.models.join(', ') || 'none'})`, path);
    await loadModelWeights(model, join(path, 'models', name));
  }
  for (const [name, opt] of Object.entries(targets.optimizers ?? {})) {
    if (!meta.optimizers.some((o) => o.name === name)) throw new IOError(`loadCheckpoint: ${path} has no optimizer '${name}'`, path);
    const spec = await readJson<{ kind: OptimizerKind; step: number; weightSpecs: tf.io.WeightsManifestEntry[] }>(join(path, 'optimizers', `${name}.json`), 'loadCheckpoint');
    const binPath = join(path, 'optimizers', `${name}.bin`);
    const tensors = decodeInOrder(await readBytes(binPath, 'loadCheckpoint'), spec.weightSpecs, binPath);
    try {
      await opt.setState({ kind: spec.kind, step: spec.step, tensors: spec.weightSpecs.map((s, i) => ({ name: s.name, tensor: tensors[i]! })) });
    } finally {
      tf.dispose(tensors);
    }
  }
  return meta;
}
