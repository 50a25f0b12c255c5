/**
 * The small synchronous loop for models trained inside a run (a segmenter, a classifier, a
 * denoiser, a completion generator): `steps` calls of `step`, whose loss tensors are read and
 * disposed here, the optimizers disposed at the end, also on an error. runTraining is its
 * long-run sibling, with checkpoints, resume, progress and logs.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { ValueError } from '../errors.js';

export interface FitStepsOptions {
  readonly steps: number;
  /** One step: its loss, or named losses, as scalars this loop reads and disposes. */
  readonly step: (step: number) => tf.Scalar | Readonly<Record<string, tf.Scalar>>;
  /** Disposed when the loop ends (optimizers). */
  readonly dispose?: readonly { dispose(): void }[];
  /** Reads every step's losses and passes them here; without it only the last step's are read (no sync per step). */
  readonly onStep?: (step: number, losses: Readonly<Record<string, number>>) => void;
}

/** Runs the loop; returns the last step's losses ({} when steps is 0); a single loss is named 'loss'. */
export function fitSteps(o: FitStepsOptions): Record<string, number> {
  if (!(Number.isInteger(o.steps) && o.steps >= 0)) throw new ValueError(`fitSteps: steps must be a non-negative integer, got ${o.steps}`);
  let last: Record<string, number> = {};
  try {
    for (let s = 0; s < o.steps; s++) {
      const out = o.step(s);
      const named: Readonly<Record<string, tf.Scalar>> = 'dataSync' in out ? { loss: out as tf.Scalar } : out;
      try {
        if (o.onStep || s === o.steps - 1) {
          last = Object.fromEntries(Object.entries(named).map(([k, t]) => [k, t.dataSync()[0]!]));
          o.onStep?.(s, last);
        }
      } finally {
        for (const t of Object.values(named)) t.dispose();
      }
    }
  } finally {
    for (const d of o.dispose ?? []) d.dispose();
  }
  return last;
}
