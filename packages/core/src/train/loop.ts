/**
 * The training loop for custom losses, `runTraining`. The user's `step` computes losses and applies its own
 * updates (so a GAN step can update D, then G, with two optimisers); the loop handles the
 * rest: progress display, a JSONL metrics log, periodic checkpoints, a checkpoint on Ctrl-C
 * (SIGINT; then exit 130) or SIGTERM (exit 143), and resuming from the latest checkpoint.
 *
 * Determinism: a resumed run reproduces an uninterrupted one bit for bit when everything
 * random derives from checkpointed state: model weights (seeded init; SeededDropout keeps
 * its mask counter as a weight), optimiser state, the `rng` (draw batch order and noise from
 * it, or seed tf.random* calls from it), and `state` for anything else. tfjs' own dropout
 * layers draw from Math.random and break this; use SeededDropout.
 *
 * Step numbering: `ctx.step` is the 0-based index of the step being run; logs, `onStep` and
 * checkpoints count completed steps (1 after the first step).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, ValueError } from '../errors.js';
import { runFiles } from './run_files.js';
import type { Optimizer } from './optimizer.js';
import { Progress, type ProgressMode } from './progress.js';

/** Anything whose state can be saved and restored as JSON (e.g. data/random.ts's Random). */
export interface StatefulRng {
  getState(): unknown;
  setState(state: never): void;
}

export interface StepContext<R extends StatefulRng | undefined = StatefulRng | undefined> {
  /** 0-based index of this step. */
  readonly step: number;
  readonly totalSteps: number;
  readonly rng: R;
  /** Prints a line without breaking the progress bar (silent when progress is off). */
  log(message: string): void;
}

/** Named losses/metrics of one step; scalars are read and disposed by the loop. */
export type StepLosses = Record<string, number | tf.Scalar>;

export interface CheckpointOptions {
  readonly dir: string;
  /** Save every this many completed steps (and always at the end). Default: only at the end. */
  readonly every?: number;
  /** Checkpoints kept. Default 3. */
  readonly keep?: number;
  /** Save on SIGINT/SIGTERM. Default true. */
  readonly onSignal?: boolean;
}

export interface TrainOptions<R extends StatefulRng | undefined = StatefulRng | undefined> {
  /** Total steps of the run (a resumed run continues up to this). */
  readonly steps: number;
  readonly step: (ctx: StepContext<R>) => StepLosses | void | Promise<StepLosses | void>;
  /** Saved in checkpoints under these names. */
  readonly models?: Readonly<Record<string, tfl.LayersModel>>;
  readonly optimizers?: Readonly<Record<string, Optimizer>>;
  readonly rng?: R;
  /** Extra JSON state saved with checkpoints (epoch counters, EMA values, …). */
  readonly state?: { get(): unknown; set(value: unknown): void };
  readonly checkpoint?: CheckpointOptions;
  /** true: resume from the latest checkpoint in checkpoint.dir if there is one; a path: from that checkpoint. */
  readonly resume?: boolean | string;
  /** JSONL metrics log; one line per `logEvery` steps: step, losses, learning rates, time. */
  readonly logFile?: string;
  readonly logEvery?: number;
  readonly progress?: ProgressMode;
  /** Name shown by the progress bar/lines. Default 'train'. */
  readonly progressLabel?: string;
  /** After each step, with completed steps and the loss values. */
  readonly onStep?: (completed: number, losses: Readonly<Record<string, number>>) => void | Promise<void>;
  /** After a signal's checkpoint: exit the process (default true) or return with interrupted = true. */
  readonly exitOnSignal?: boolean;
}

export interface TrainResult {
  /** Steps completed before this call (from the resumed checkpoint). */
  readonly startStep: number;
  /** Steps completed in total. */
  readonly completed: number;
  readonly losses: Readonly<Record<string, number>>;
  readonly interrupted: boolean;
  readonly resumedFrom: string | null;
  readonly lastCheckpoint: string | null;
  /** Seconds of this call. */
  readonly seconds: number;
  /** Training seconds of the whole run: the resumed checkpoint's plus this call's. */
  readonly totalSeconds: number;
}

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

function nextMacrotask(): Promise<void> {
  // Browsers have no setImmediate; a zero timeout also lets a page repaint between steps.
  return new Promise((r) => (typeof setImmediate === 'function' ? setImmediate(r) : setTimeout(r, 0)));
}

export async function runTraining<R extends StatefulRng | undefined = undefined>(options: TrainOptions<R>): Promise<TrainResult> {
  const total = options.steps;
  if (!(Number.isInteger(total) && total >= 0)) throw new ValueError(`runTraining: steps must be a non-negative integer, got ${total}`);
  const ck = options.checkpoint;
  if (ck?.every !== undefined && !(Number.isInteger(ck.every) && ck.every > 0)) throw new ValueError(`runTraining: checkpoint.every must be a positive integer, got ${ck.every}`);
  if (options.resume === true && !ck) throw new ValueError('runTraining: resume: true needs checkpoint.dir');
  const logEvery = options.logEvery ?? 1;
  if (!(Number.isInteger(logEvery) && logEvery > 0)) throw new ValueError(`runTraining: logEvery must be a positive integer, got ${logEvery}`);
  const t0 = performance.now();
  // Checkpoint folders and the log are files: Node's implementation, or a clear error in a browser.
  const files = ck || options.logFile ? runFiles('runTraining: checkpoint and logFile') : null;
  const log = options.logFile ? files!.openLog(options.logFile) : null;

  // Resume.
  let startStep = 0;
  let resumedFrom: string | null = null;
  let secondsBefore = 0;
  if (ck) await files!.removeStaleTemps(ck.dir);
  if (options.resume) {
    const path = typeof options.resume === 'string' ? options.resume : await files!.latestCheckpoint(ck!.dir);
    if (path) {
      const meta = await files!.loadCheckpoint(path, { models: options.models, optimizers: options.optimizers });
      const mismatch = files!.engineMismatch(meta);
      if (mismatch) console.warn(`warning: ${mismatch}`);
      startStep = meta.step;
      secondsBefore = meta.elapsedSeconds ?? 0;
      if (options.rng && meta.rngState !== undefined) options.rng.setState(meta.rngState as never);
      if (options.state && meta.userState !== undefined) options.state.set(meta.userState);
      resumedFrom = path;
      if (ck) await files!.removeCheckpointsAfter(ck.dir, startStep);
      if (log) await log.truncateAfter(startStep);
    }
  }
  if (!resumedFrom) {
    // A fresh run must not mix its checkpoints with an earlier run's.
    const old = ck ? await files!.listCheckpoints(ck.dir) : [];
    if (old.length > 0) {
      throw new ConfigError(
        `runTraining: ${ck!.dir} already holds checkpoints of an earlier run (latest step ${old[old.length - 1]!.step}): run again with --resume to continue it (resume: true from the API), or choose another output folder`,
        'checkpoint.dir',
        ck!.dir,
      );
    }
    if (log) await log.truncateAfter(0);
  }

  const progress = new Progress({ total, start: startStep, label: options.progressLabel, mode: options.progress });
  if (resumedFrom) progress.log(`[${options.progressLabel ?? 'train'}] resumed from ${resumedFrom} at step ${startStep}`);

  let lastCheckpoint: string | null = null;
  const save = async (completed: number, reason: string) => {
    if (!ck) return;
    lastCheckpoint = await files!.saveCheckpoint(
      ck.dir,
      {
        step: completed,
        models: options.models,
        optimizers: options.optimizers,
        rngState: options.rng?.getState(),
        userState: options.state?.get(),
        reason,
        elapsedSeconds: secondsBefore + (performance.now() - t0) / 1000,
      },
      { keep: ck.keep ?? 3 },
    );
  };

  // Signals: finish the current step, checkpoint, then exit (a second signal exits at once).
  let caught: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals) => {
    if (caught) process.exit(SIGNAL_EXIT[sig] ?? 1);
    caught = sig;
  };
  const handleSignals = ck !== undefined && (ck.onSignal ?? true);
  if (handleSignals) for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, onSignal);

  let completed = startStep;
  let losses: Record<string, number> = {};
  try {
    const ctx = {
      step: startStep,
      totalSteps: total,
      rng: options.rng as R,
      log: (m: string) => progress.log(m),
    };
    while (completed < total && !caught) {
      const raw = (await options.step({ ...ctx, step: completed })) ?? {};
      const values: Record<string, number> = {};
      for (const [k, v] of Object.entries(raw)) {
        if (typeof v === 'number') values[k] = v;
        else {
          values[k] = (await v.data())[0]!;
          v.dispose();
        }
      }
      completed += 1;
      losses = values;
      if (log && (completed % logEvery === 0 || completed === total)) {
        const lrs: Record<string, number> = {};
        for (const [name, opt] of Object.entries(options.optimizers ?? {})) if (opt.lastLr !== null) lrs[`lr/${name}`] = opt.lastLr;
        log.append({ step: completed, ...values, ...lrs, time: Number((secondsBefore + (performance.now() - t0) / 1000).toFixed(3)) });
      }
      progress.update(completed, values);
      await options.onStep?.(completed, values);
      if (ck?.every && completed % ck.every === 0 && completed < total) await save(completed, 'periodic');
      await nextMacrotask(); // lets a pending SIGINT be delivered
    }
    if (caught) {
      await save(completed, `signal ${caught}`);
      progress.done();
      progress.log(`[${options.progressLabel ?? 'train'}] ${caught}: ${ck ? `checkpoint at step ${completed} in ${lastCheckpoint}` : 'stopped'}`);
      if (options.exitOnSignal ?? true) process.exit(SIGNAL_EXIT[caught] ?? 1);
    } else {
      if (completed > startStep || !resumedFrom) await save(completed, 'final');
      progress.done();
    }
  } finally {
    if (handleSignals) for (const s of ['SIGINT', 'SIGTERM'] as const) process.off(s, onSignal);
  }
  const seconds = (performance.now() - t0) / 1000;
  return { startStep, completed, losses, interrupted: caught !== null, resumedFrom, lastCheckpoint, seconds, totalSeconds: secondsBefore + seconds };
}
