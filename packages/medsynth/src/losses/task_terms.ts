/**
 * Task-oriented terms D_t for the generator (Cohen et al., "Distribution matching losses can
 * hallucinate features in medical image translation", MICCAI 2018, and the source article):
 * generic synthesis losses carry biases unrelated to what the image is for; a term built from
 * a task model F pulls G toward what the task needs. Each term is a scalar, differentiable
 * w.r.t. G's output `fake` [B, H, W, C]; `real` is the real target and stays constant.
 *
 * - 'supervised': D_s(G(X), T; F) = CE(F(fake), T) (+ dice × soft Dice), T the task labels.
 * - 'labelFree': D_s(F(Y), F(G(X))) = divergence from softmax(F(real)) (detached reference) to
 *   softmax(F(fake)); KL by default (0 when they agree), or CE (KL + the reference's entropy,
 *   same gradient).
 * - 'feature': mean |φ(fake) − φ(real)| (L1, default) or mean (φ(fake) − φ(real))² (L2) over
 *   F's activation φ at 'shallow' (first encoder level) or 'deep' (bottleneck) depth; see
 *   segmenter.ts for the layer names.
 * - 'huThreshold' (MR → CT, no network): soft HU-class memberships of fake and real compared by
 *   total-variation distance; see hu_classes.ts.
 *
 * F runs in inference mode here (training: false); only G's variables (or whichever the
 * caller differentiates) are updated from these terms.
 */
import { tf, nn, lookUpOption, ConfigError, type tfl, stopGradient, checkSameShape } from '@lacuna/core';
import { huThresholdLoss, type HuClassOptions } from '../task/hu_classes.js';
import { FEATURE_DEPTHS, segmenterFeatureLayer, type FeatureDepth } from '../task/segmenter.js';
import { DIVERGENCES, segmentationLoss, softTargetDivergence, type Divergence } from './segmentation_loss.js';
import { labelIds } from '../task/seg_labels.js';

export type TaskTermKind = 'supervised' | 'labelFree' | 'feature' | 'huThreshold';
export const TASK_TERM_KINDS: readonly TaskTermKind[] = ['supervised', 'labelFree', 'feature', 'huThreshold'];
export type FeatureDistance = 'l1' | 'l2';
export const FEATURE_DISTANCES: readonly FeatureDistance[] = ['l1', 'l2'];

export interface TaskTermConfig {
  readonly kind: TaskTermKind;
  /** Weight of D_t in G's loss (> 0). */
  readonly weight: number;
  /** 'feature': which activation of F. Default 'deep'. */
  readonly depth?: FeatureDepth;
  /** 'feature': an explicit layer name of F instead of `depth`. */
  readonly layer?: string;
  /** 'feature': default 'l1'. */
  readonly distance?: FeatureDistance;
  /** 'labelFree': default 'kl'. */
  readonly divergence?: Divergence;
  /** 'supervised' (and joint F training): weight of the soft Dice added to the CE. Default 0. */
  readonly dice?: number;
  /** 'supervised' (and joint F training): per-class CE weights. */
  readonly classWeights?: readonly number[];
  /** 'huThreshold': the CT window, τ in HU and the thresholds (hu_classes.ts defaults). */
  readonly hu?: HuClassOptions;
}

/** What a term is computed from. */
export interface TaskTermContext {
  /** G's output [B, H, W, C]. */
  readonly fake: tf.Tensor4D;
  /** The real target [B, H, W, C] (labelFree, feature, huThreshold). */
  readonly real?: tf.Tensor4D;
  /** Class ids: int [B, H, W] or float [B, H, W, 1] (supervised). */
  readonly labels?: tf.Tensor;
  /** The task model F (all but huThreshold). */
  readonly net?: tfl.LayersModel;
}

/** Checks a term config; throws ConfigError naming the field under `field` (e.g. 'task.term'). */
export function validateTaskTermConfig(cfg: TaskTermConfig, field = 'task.term'): void {
  lookUpOption(cfg.kind, TASK_TERM_KINDS, `${field}.kind`);
  if (!(typeof cfg.weight === 'number' && cfg.weight > 0 && Number.isFinite(cfg.weight))) throw new ConfigError(`${field}.weight must be a finite number > 0, got ${cfg.weight}`, `${field}.weight`, cfg.weight);
  if (cfg.depth !== undefined) lookUpOption(cfg.depth, FEATURE_DEPTHS, `${field}.depth`);
  if (cfg.distance !== undefined) lookUpOption(cfg.distance, FEATURE_DISTANCES, `${field}.distance`);
  if (cfg.divergence !== undefined) lookUpOption(cfg.divergence, DIVERGENCES, `${field}.divergence`);
  if (cfg.dice !== undefined && !(cfg.dice >= 0)) throw new ConfigError(`${field}.dice must be ≥ 0, got ${cfg.dice}`, `${field}.dice`, cfg.dice);
}

/** True when the term needs a task network F. */
export function termNeedsNet(kind: TaskTermKind): boolean {
  return kind !== 'huThreshold';
}

function logits(net: tfl.LayersModel, x: tf.Tensor4D): tf.Tensor4D {
  return net.apply(x, { training: false }) as tf.Tensor4D;
}

/** CE(F(fake), labels) (+ dice × soft Dice). labels: int [B, H, W] or float [B, H, W, 1] class ids. */
export function supervisedTaskLoss(net: tfl.LayersModel, fake: tf.Tensor4D, labels: tf.Tensor, options: { dice?: number; classWeights?: readonly number[] } = {}): tf.Scalar {
  const classes = net.outputs[0]!.shape[3]!;
  const ids = labels.dtype === 'int32' && labels.rank === 3 ? labels : labelIds(labels, classes, 'supervisedTaskLoss', fake);
  try {
    return segmentationLoss(logits(net, fake), ids as tf.Tensor3D, options);
  } finally {
    if (ids !== labels) ids.dispose();
  }
}

/** Divergence from softmax(F(real)) (detached) to softmax(F(fake)), mean over pixels. */
export function labelFreeTaskLoss(net: tfl.LayersModel, fake: tf.Tensor4D, real: tf.Tensor4D, divergence: Divergence = 'kl'): tf.Scalar {
  return tf.tidy(() => softTargetDivergence(stopGradient(logits(net, real)), logits(net, fake), divergence));
}

// One feature model per (F, layer); it shares F's weights, so it never goes stale.
const featureModels = new WeakMap<tfl.LayersModel, Map<string, tfl.LayersModel>>();

/** F's activation at `layer` as a model (cached; shares F's weights). */
export function taskFeatureModel(net: tfl.LayersModel, layer: string): tfl.LayersModel {
  let byLayer = featureModels.get(net);
  if (!byLayer) featureModels.set(net, (byLayer = new Map()));
  let model = byLayer.get(layer);
  if (!model) byLayer.set(layer, (model = nn.featureModel(net, [layer], false)));
  return model;
}

/** Mean L1 (or squared L2) distance between F's activations at `layer` on fake and on real (detached). */
export function featureTaskLoss(net: tfl.LayersModel, fake: tf.Tensor4D, real: tf.Tensor4D, layer: string, distance: FeatureDistance = 'l1'): tf.Scalar {
  const phi = taskFeatureModel(net, layer);
  return tf.tidy(() => {
    const a = phi.apply(fake, { training: false }) as tf.Tensor;
    const b = stopGradient(phi.apply(real, { training: false }) as tf.Tensor);
    const d = tf.sub(a, b);
    return tf.mean(distance === 'l2' ? tf.square(d) : tf.abs(d)) as tf.Scalar;
  });
}

/** The unweighted task term D_t of `cfg.kind` (the caller multiplies by cfg.weight). */
export function taskTerm(cfg: TaskTermConfig, ctx: TaskTermContext): tf.Scalar {
  const { fake, real, labels, net } = ctx;
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new ConfigError(`taskTerm: kind '${cfg.kind}' needs ${what}`, what === 'net' ? 'task.net' : what, undefined);
    return v;
  };
  if (real) checkSameShape(real.shape, fake.shape, 'taskTerm', ['real', 'fake']);
  switch (lookUpOption(cfg.kind, TASK_TERM_KINDS, 'task.term.kind')) {
    case 'supervised':
      return supervisedTaskLoss(need(net, 'net'), fake, need(labels, 'labels'), { dice: cfg.dice, classWeights: cfg.classWeights });
    case 'labelFree':
      return labelFreeTaskLoss(need(net, 'net'), fake, need(real, 'real'), cfg.divergence);
    case 'feature': {
      const f = need(net, 'net');
      return featureTaskLoss(f, fake, need(real, 'real'), cfg.layer ?? segmenterFeatureLayer(f, cfg.depth ?? 'deep'), cfg.distance);
    }
    case 'huThreshold':
      return huThresholdLoss(fake, need(real, 'real'), cfg.hu);
  }
}
