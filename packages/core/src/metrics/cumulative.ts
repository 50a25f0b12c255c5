/**
 * Accumulates per-sample metric values over many batches, in the spirit of MONAI's
 * Cumulative / CumulativeIterationMetric: `append` each batch, `aggregate` at the end of an
 * epoch, `reset` before the next. Values are stored as plain numbers, one row per sample
 * (a [B] metric gives rows of one value; a [B, K] metric such as dice gives rows of K).
 */
import { checkCount } from '../check.js';
import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from '../errors.js';

export type Reduction = 'mean' | 'sum' | 'none';

export class Cumulative {
  private rows: number[][] = [];

  /**
   * Adds samples: a tensor [B] or [B, ...] (read synchronously; not disposed — the caller
   * owns it), a number (one sample), an array of numbers (one per sample) or an array of
   * rows. Every row must have the same length.
   */
  append(values: tf.Tensor | number | readonly number[] | readonly (readonly number[])[]): void {
    let rows: number[][];
    if (values instanceof tf.Tensor) {
      const data = Array.from(values.dataSync());
      const b = values.rank === 0 ? 1 : values.shape[0]!;
      const width = b === 0 ? 0 : data.length / b;
      rows = Array.from({ length: b }, (_, i) => data.slice(i * width, (i + 1) * width));
    } else if (typeof values === 'number') {
      rows = [[values]];
    } else {
      rows = values.map((v) => (typeof v === 'number' ? [v] : [...v]));
    }
    const width = this.rows[0]?.length ?? rows[0]?.length;
    const bad = rows.find((r) => r.length !== width);
    if (bad) checkCount(bad.length, width ?? 0, () => `Cumulative.append: rows must all have ${width} values, got one with ${bad.length}`);
    for (const r of rows) this.rows.push(r);
  }

  /** Number of samples appended since the last reset. */
  get count(): number {
    return this.rows.length;
  }

  /**
   * 'mean' and 'sum' reduce over samples, per column (one entry for scalar metrics), skipping
   * NaN values (a column with no finite-or-infinite value has mean NaN); 'none' returns a
   * copy of all rows.
   */
  aggregate(reduction: 'none'): number[][];
  aggregate(reduction?: 'mean' | 'sum'): number[];
  aggregate(reduction: Reduction = 'mean'): number[] | number[][] {
    if (!['mean', 'sum', 'none'].includes(reduction)) {
      throw new ValueError(`Cumulative.aggregate: reduction must be 'mean', 'sum' or 'none', got '${reduction}'`);
    }
    if (reduction === 'none') return this.rows.map((r) => [...r]);
    if (this.rows.length === 0) throw new ValueError(`Cumulative.aggregate: nothing appended since the last reset`);
    const width = this.rows[0]!.length;
    const sums = new Array<number>(width).fill(0);
    const counts = new Array<number>(width).fill(0);
    for (const r of this.rows) {
      r.forEach((v, j) => {
        if (!Number.isNaN(v)) {
          sums[j]! += v;
          counts[j]!++;
        }
      });
    }
    return reduction === 'sum' ? sums : sums.map((s, j) => (counts[j] ? s / counts[j]! : NaN));
  }

  /** Forgets all appended values. */
  reset(): void {
    this.rows = [];
  }
}
