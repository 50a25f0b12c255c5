/**
 * The subject-level classifier C: a slab [B, H, W, S·C] (slices as channels) → one logit
 * [B, 1] for "diseased". core's smallCnn: per stage one 3×3 conv → norm → ReLU, 2×2 max-pool
 * between stages, global average pooling, a dense head. Trained with binary cross-entropy on
 * logits and Adam; scored by accuracy (logit > 0) and ROC AUC.
 */
import { tf, nn, train, metrics, data, type tfl } from '@lacuna/core';
import { bceWithLogits } from '../losses/adversarial.js';

export interface SlabClassifierOptions {
  readonly inChannels: number;
  readonly height: number;
  readonly width: number;
  readonly widths: readonly number[];
  readonly norm: nn.NormKind;
  readonly seed: number;
}

export function buildSlabClassifier(o: SlabClassifierOptions): tfl.LayersModel {
  return nn.smallCnn({ inputShape: [o.height, o.width, o.inChannels], numClasses: 1, widths: o.widths, convsPerStage: 1, norm: o.norm, init: { kind: 'glorot', seed: o.seed } });
}

/** Mean BCE of C's logits on `input` [B, H, W, C] against labels [B, 1] (training mode). */
export function classifierLoss(c: tfl.LayersModel, input: tf.Tensor4D, labels: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(bceWithLogits(c.apply(input, { training: true }) as tf.Tensor, labels)) as tf.Scalar);
}

/** A batch for one classifier step; the trainer disposes both tensors. */
export interface ClassifierBatch {
  readonly input: tf.Tensor4D; // [B, H, W, C]
  readonly labels: tf.Tensor2D; // [B, 1]
}

export interface ClassifierTraining {
  readonly steps: number;
  readonly lr: number;
  /** Seeds the batch draws. */
  readonly seed: number;
}

/** Trains C with Adam for `steps` steps on batches from `sample`; returns the last loss. */
export function trainClassifier(c: tfl.LayersModel, t: ClassifierTraining, sample: (rng: data.Random) => ClassifierBatch): number {
  const rng = new data.Random(t.seed);
  const opt = new train.Optimizer({ kind: 'adam', lr: t.lr });
  let last = NaN;
  try {
    for (let step = 0; step < t.steps; step++) {
      const { input, labels } = sample(rng);
      try {
        const loss = opt.minimize(() => classifierLoss(c, input, labels), c);
        if (step === t.steps - 1) last = loss.dataSync()[0]!;
        loss.dispose();
      } finally {
        tf.dispose([input, labels]);
      }
    }
  } finally {
    opt.dispose();
  }
  return last;
}

/** Up to `size` distinct members of `pool`, drawn uniformly. */
export function drawSubjects(pool: readonly number[], size: number, rng: data.Random): number[] {
  const order = rng.permutation(pool.length);
  return Array.from(order.subarray(0, Math.min(size, pool.length)), (o) => pool[o]!);
}

/** C's logits in inference mode: [B] numbers. */
export function classifierLogits(c: tfl.LayersModel, input: tf.Tensor4D): Float32Array {
  return tf.tidy(() => (c.apply(input, { training: false }) as tf.Tensor).dataSync() as Float32Array);
}

export interface DiagnosisScores {
  /** Fraction of subjects with (logit > 0) = label. */
  readonly acc: number;
  /** ROC AUC of the logits. */
  readonly auc: number;
}

export function diagnosisScores(logits: ArrayLike<number>, labels: ArrayLike<number>): DiagnosisScores {
  let correct = 0;
  for (let i = 0; i < logits.length; i++) correct += (logits[i]! > 0 ? 1 : 0) === labels[i] ? 1 : 0;
  return { acc: correct / logits.length, auc: metrics.auc(logits, labels) };
}
