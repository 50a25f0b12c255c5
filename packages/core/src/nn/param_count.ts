/** Parameter counting that separates learned weights from buffers (batch-norm statistics, counters). */
import type * as tfl from '@tensorflow/tfjs-layers';

export interface ParamCounts {
  /** Weights the optimiser updates: what PyTorch's `sum(p.numel() for p in parameters())` counts. */
  readonly trainable: number;
  /** Non-trainable weights (running mean/var, dropout counters): PyTorch buffers. */
  readonly nonTrainable: number;
  readonly total: number;
}

export function paramCounts(model: tfl.LayersModel): ParamCounts {
  const size = (ws: { shape: (number | null)[] }[]) => ws.reduce((s, w) => s + w.shape.reduce<number>((p, d) => p * (d ?? 0), 1), 0);
  const trainable = size(model.trainableWeights);
  const nonTrainable = size(model.nonTrainableWeights);
  return { trainable, nonTrainable, total: trainable + nonTrainable };
}
