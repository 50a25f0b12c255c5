/**
 * The subject-level classifier C: a slab [B, H, W, S·C] (slices as channels) → one logit
 * [B, 1] for "diseased". Stages of one 3×3 conv → norm → ReLU with 2×2 max-pooling between
 * them (core convNormAct), global average pooling and a dense head. The last stage has no
 * norm: instance norm right before global pooling would remove each feature map's mean —
 * exactly the "how much of this pattern is there" a pooled classifier needs. Trained with
 * binary cross-entropy on logits and Adam; scored by accuracy (logit > 0) and ROC AUC.
 */
import { tf, nn, train, metrics, data, tfl } from '@lacuna/core';
import { bceWithLogits } from '../losses/adversarial.js';

export interface SlabClassifierOptions {
  readonly inChannels: number;
  readonly height: number;
  readonly width: number;
  /** Channels per stage. */
  readonly widths: readonly number[];
  /** Norm of every stage but the last. */
  readonly norm: nn.NormKind;
  readonly seed: number;
}

export function buildSlabClassifier(o: SlabClassifierOptions): tfl.LayersModel {
  const init = new nn.WeightInit({ kind: 'glorot', seed: o.seed });
  const input = tfl.input({ shape: [o.height, o.width, o.inChannels] }); // [B, H, W, S·C]
  let x = input;
  o.widths.forEach((filters, s) => {
    if (s > 0) x = nn.downsample(x, { mode: 'maxpool' });
    const last = s === o.widths.length - 1;
    x = nn.convNormAct(x, { filters, kernelSize: 3, padding: 'same', norm: last ? 'none' : o.norm, act: 'relu', init });
  });
  x = nn.applyLayer(tfl.layers.globalAveragePooling2d({}), x); // [B, widths.at(-1)]
  const logit = nn.applyLayer(tfl.layers.dense({ units: 1, kernelInitializer: init.kernel() }), x); // [B, 1]
  return tfl.model({ inputs: input, outputs: logit });
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
  const last = train.fitSteps({
    steps: t.steps,
    step: () => {
      const { input, labels } = sample(rng);
      try {
        return opt.minimize(() => classifierLoss(c, input, labels), c);
      } finally {
        tf.dispose([input, labels]);
      }
    },
    dispose: [opt],
  });
  return last['loss'] ?? NaN;
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
