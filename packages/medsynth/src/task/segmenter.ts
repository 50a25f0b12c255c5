/**
 * The task model F: a 2-D U-Net segmenter (core nn.unet2d, Ronneberger et al. 2015) with one
 * logit channel per class, its training loop, and its Dice score.
 *
 * Layer names (nn.unet2d with name 'segmenter'; each level is two conv → norm → ReLU units
 * `<level>_c1_*`, `<level>_c2_*`): the feature task term reads
 * - 'shallow': `segmenter_enc0_c2_act`, the ReLU output of the first encoder level
 *   ([B, H, W, base]);
 * - 'deep': `segmenter_bottleneck_c2_act`, the ReLU output of the bottleneck
 *   ([B, H/2^depth, W/2^depth, base·2^depth]).
 * `segmenterFeatureLayer` finds these in any named nn.unet2d by their suffix.
 *
 * F is applied in inference mode wherever it acts as a loss (`training: false`), so a batch-
 * norm F's running statistics only move in its own training steps. The default norm is
 * instance norm, for which the two modes agree.
 */
import { tf, tfl, nn, data, metrics, train, checkShape, ConfigError, ValueError } from '@lacuna/core';
import { classCountOf, labelTensor } from './seg_labels.js';
import { segmentationLoss } from '../losses/segmentation_loss.js';

export type FeatureDepth = 'shallow' | 'deep';
export const FEATURE_DEPTHS: readonly FeatureDepth[] = ['shallow', 'deep'];

/** Name suffix of the feature layer at each depth, in an nn.unet2d named `<prefix>`. */
export const SEGMENTER_FEATURE_SUFFIX: Readonly<Record<FeatureDepth, string>> = { shallow: '_enc0_c2_act', deep: '_bottleneck_c2_act' };

export interface SegmenterConfig {
  /** Image channels (G's output channels when F judges G). */
  readonly inChannels: number;
  /** Number of classes K (logit channels). */
  readonly classes: number;
  /** Width of the first level. Default 16. */
  readonly base?: number;
  /** Number of poolings; H and W must be divisible by 2^depth. Default 3. */
  readonly depth?: number;
  /** Default 'instance'. */
  readonly norm?: 'batch' | 'instance' | 'none';
  /** Seeds the weights (Glorot uniform). */
  readonly seed: number;
  /** Layer-name prefix. Default 'segmenter'. */
  readonly name?: string;
}

/** An untrained segmenter: [B, H, W, inChannels] → logits [B, H, W, classes]. */
export function buildSegmenter(cfg: SegmenterConfig): tfl.LayersModel {
  for (const [k, v] of [['inChannels', cfg.inChannels], ['classes', cfg.classes], ['base', cfg.base ?? 16], ['depth', cfg.depth ?? 3]] as const) {
    if (!(Number.isInteger(v) && v > 0)) throw new ConfigError(`buildSegmenter: segmenter.${k} must be a positive integer, got ${v}`, `segmenter.${k}`, v);
  }
  if (cfg.classes < 2) throw new ConfigError(`buildSegmenter: segmenter.classes must be at least 2, got ${cfg.classes}`, 'segmenter.classes', cfg.classes);
  if (!(Number.isSafeInteger(cfg.seed) && cfg.seed >= 0)) throw new ConfigError(`buildSegmenter: segmenter.seed must be a non-negative integer, got ${cfg.seed}`, 'segmenter.seed', cfg.seed);
  return nn.unet2d({
    inChannels: cfg.inChannels,
    outChannels: cfg.classes,
    baseChannels: cfg.base ?? 16,
    depth: cfg.depth ?? 3,
    norm: cfg.norm ?? 'instance',
    init: { kind: 'glorot', seed: cfg.seed },
    name: cfg.name ?? 'segmenter',
  });
}

/** The name of F's feature layer at `depth` (see the file comment); throws if F has none. */
export function segmenterFeatureLayer(net: tfl.LayersModel, depth: FeatureDepth): string {
  const suffix = SEGMENTER_FEATURE_SUFFIX[depth];
  if (suffix === undefined) throw new ConfigError(`segmenterFeatureLayer: depth must be one of ${FEATURE_DEPTHS.join(', ')}, got '${depth}'`, 'task.term.depth', depth, FEATURE_DEPTHS);
  const names = nn.layersMatching(net, new RegExp(`${suffix}$`));
  if (names.length !== 1) {
    throw new ConfigError(`segmenterFeatureLayer: model '${net.name}' has ${names.length} layers ending in '${suffix}' (expected one; build F with buildSegmenter or a named nn.unet2d)`, 'task.net', net.name);
  }
  return names[0]!;
}

export interface TrainSegmenterOptions {
  /** Adam steps. */
  readonly steps: number;
  /** Images per step (at most N). */
  readonly batchSize: number;
  /** Adam learning rate (β1 0.9, β2 0.999). */
  readonly lr: number;
  /** Seeds the weights and the batches. */
  readonly seed: number;
  /** Number of classes. Default 1 + the largest label. */
  readonly classes?: number;
  /** Per-class cross-entropy weights (length classes). */
  readonly classWeights?: readonly number[];
  /** Weight of the soft Dice loss added to the cross-entropy. Default 0. */
  readonly dice?: number;
  readonly base?: number;
  readonly depth?: number;
  readonly norm?: 'batch' | 'instance' | 'none';
  /** Continue training this model instead of building one. */
  readonly net?: tfl.LayersModel;
  /** After each step, with the 0-based step and its loss. */
  readonly onStep?: (step: number, loss: number) => void;
}

/**
 * Trains a segmenter on images [N, H, W, C] and class-id labels ([N, H, W] tensor, [N, H, W,
 * 1] tensor, or N·H·W ids in a typed array) with Adam on softmax cross-entropy (+ soft Dice).
 * Returns the model, trainable (so it can go on training jointly with G).
 */
export function trainSegmenter(images: tf.Tensor4D, labels: tf.Tensor | Int32Array | Uint8Array | Float32Array, options: TrainSegmenterOptions): tfl.LayersModel {
  const { N, H, W, C } = checkShape(images.shape, ['N', 'H', 'W', 'C'], 'trainSegmenter images');
  const { steps, seed } = options;
  if (!(Number.isInteger(steps) && steps >= 0)) throw new ValueError(`trainSegmenter: steps must be a non-negative integer, got ${steps}`);
  if (!(Number.isInteger(options.batchSize) && options.batchSize > 0)) throw new ValueError(`trainSegmenter: batchSize must be a positive integer, got ${options.batchSize}`);
  if (!(options.lr > 0)) throw new ValueError(`trainSegmenter: lr must be > 0, got ${options.lr}`);
  const classes = options.classes ?? options.net?.outputs[0]!.shape[3] ?? classCountOf(labels);
  const ids = labelTensor(labels, [N!, H!, W!], classes, 'trainSegmenter labels');
  const net = options.net ?? buildSegmenter({ inChannels: C!, classes, base: options.base, depth: options.depth, norm: options.norm, seed });
  const optimizer = new train.Optimizer({ kind: 'adam', lr: options.lr });
  const rng = new data.Random(seed + 1);
  const batchSize = Math.min(options.batchSize, N!);
  const lossOptions = { classWeights: options.classWeights, dice: options.dice };
  train.fitSteps({
    steps,
    step: () => {
      const idx = Array.from({ length: batchSize }, () => rng.int(0, N!));
      return tf.tidy(() => {
        const x = tf.gather(images, idx);
        const y = tf.gather(ids, idx) as tf.Tensor3D;
        return optimizer.minimize(() => segmentationLoss(net.apply(x, { training: true }) as tf.Tensor4D, y, lossOptions), net);
      });
    },
    dispose: [optimizer, ids],
    ...(options.onStep ? { onStep: (s: number, l: Readonly<Record<string, number>>) => options.onStep!(s, l['loss']!) } : {}),
  });
  return net;
}

/** F's hard segmentation: argmax of the logits, int32 [N, H, W]; inference mode, in chunks. */
export function predictSegmentation(net: tfl.LayersModel, images: tf.Tensor4D, chunk = 16): tf.Tensor3D {
  const n = images.shape[0];
  const parts: tf.Tensor3D[] = [];
  for (let i = 0; i < n; i += chunk) {
    parts.push(tf.tidy(() => tf.argMax(net.apply(tf.slice(images, i, Math.min(chunk, n - i)), { training: false }) as tf.Tensor, -1) as tf.Tensor3D));
  }
  const out = tf.concat(parts, 0);
  tf.dispose(parts);
  return out;
}

/**
 * Dice of F's hard segmentation of images [N, H, W, C] against labels ([N, H, W] / [N, H, W,
 * 1] tensor or N·H·W typed array), pooled over all N images (core metrics.dice on one-hot maps
 * of the whole set as one sample). A class absent from both prediction and labels gets NaN and is left out of
 * the mean.
 */
export function segmentationDice(net: tfl.LayersModel, images: tf.Tensor4D, labels: tf.Tensor | Int32Array | Uint8Array | Float32Array, classes: number): { perClass: number[]; mean: number } {
  const [n, h, w] = images.shape;
  const ids = labelTensor(labels, [n, h, w], classes, 'segmentationDice labels');
  const pred = predictSegmentation(net, images);
  try {
    // One-hot inputs built here: core's label-map path uses tf.oneHot(…, 'float32'), which the
    // wasm backend (tfjs 4.22) fills with int32 bit patterns (1 reads as 1.4e-45).
    const oneHot = (x: tf.Tensor) => tf.cast(tf.oneHot(tf.reshape(x, [1, -1]) as tf.Tensor2D, classes), 'float32'); // [1, N·H·W, K]
    const perClass = tf.tidy(() => Array.from(metrics.dice(oneHot(pred), oneHot(ids), { emptyValue: NaN }).dataSync()));
    const present = perClass.filter((v) => !Number.isNaN(v));
    return { perClass, mean: present.reduce((s, v) => s + v, 0) / present.length };
  } finally {
    tf.dispose([ids, pred]);
  }
}
