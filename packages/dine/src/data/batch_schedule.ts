/**
 * Mini-batches as a pure function of the step: epoch e = ⌊step / batchesPerEpoch⌋ shuffles
 * 0..n−1 with `data.Random(seed + e·7919)` and step takes its batch of that order (the last,
 * short batch of an epoch is dropped, as the reference's `drop_last=True`). Being a function of
 * the step, a resumed run gets the same batches as an uninterrupted one without saving state.
 */
import { data, ValueError } from '@lacuna/core';

export class BatchSchedule {
  readonly batchesPerEpoch: number;
  private epoch = -1;
  private order: Int32Array = new Int32Array(0);

  constructor(readonly n: number, readonly batchSize: number, readonly seed: number) {
    if (!(Number.isInteger(n) && n > 0)) throw new ValueError(`BatchSchedule: n must be a positive integer, got ${n}`);
    this.batchSize = Math.min(batchSize, n);
    this.batchesPerEpoch = Math.floor(n / this.batchSize);
  }

  /** Sample indices of step `step` (0-based). */
  indices(step: number): Int32Array {
    const e = Math.floor(step / this.batchesPerEpoch);
    if (e !== this.epoch) {
      this.order = new data.Random(this.seed + e * 7919).permutation(this.n);
      this.epoch = e;
    }
    const b = step % this.batchesPerEpoch;
    return this.order.subarray(b * this.batchSize, (b + 1) * this.batchSize);
  }
}
