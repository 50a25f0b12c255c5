/**
 * The direct detector's loss, as FCOS3D's: sigmoid focal loss (α 0.25, γ 2) on the class maps
 * over every location, divided by the positives; at positive locations, binary cross-entropy of
 * centerness and L1 on the regression channels (centre offset, log depth, log size ratio,
 * sin/cos of the observation angle, 2-D box), each group weighted and averaged over positives.
 */
import { tf } from '@lacuna/core';
import type { DenseTargets } from './dense_targets.js';

export interface DetectorLossWeights {
  readonly classification: number;
  readonly centerness: number;
  readonly offset: number;
  readonly depth: number;
  readonly size: number;
  readonly rotation: number;
  readonly box2d: number;
}

export const DEFAULT_LOSS_WEIGHTS: DetectorLossWeights = { classification: 1, centerness: 1, offset: 1, depth: 3, size: 1, rotation: 1, box2d: 0.5 };

const ALPHA = 0.25;
const GAMMA = 2;

/** Loss of the head's output `out` [B, h, w, C + 13] against `t`; `parts` are the unweighted terms. */
export function detectorLoss(out: tf.Tensor4D, t: DenseTargets, weights: DetectorLossWeights = DEFAULT_LOSS_WEIGHTS): { total: tf.Scalar; parts: Record<string, tf.Scalar> } {
  const [B, h, w, channels] = out.shape;
  const C = channels - 13;
  const npos = Math.max(1, t.positives);
  const parts: Record<string, tf.Scalar> = {};
  const total = tf.tidy(() => {
    const logits = tf.slice(out, [0, 0, 0, 0], [-1, -1, -1, C]);
    const y = tf.tensor4d(t.classes, [B, h, w, C]);
    const p = tf.sigmoid(logits);
    // log p = −softplus(−x), log(1 − p) = −softplus(x): stable for large |x|.
    const focal = tf.add(
      tf.mul(tf.mul(y, ALPHA), tf.mul(tf.pow(tf.sub(1, p), GAMMA), tf.softplus(tf.neg(logits)))),
      tf.mul(tf.mul(tf.sub(1, y), 1 - ALPHA), tf.mul(tf.pow(p, GAMMA), tf.softplus(logits))),
    );
    const cls = tf.div(tf.sum(focal), npos) as tf.Scalar;
    const pos = tf.tensor3d(t.positive, [B, h, w]);
    const ctrLogit = tf.reshape(tf.slice(out, [0, 0, 0, C], [-1, -1, -1, 1]), [B, h, w]);
    const ctrTarget = tf.tensor3d(t.centerness, [B, h, w]);
    const ctr = tf.div(tf.sum(tf.mul(pos, tf.sub(tf.softplus(ctrLogit), tf.mul(ctrLogit, ctrTarget)))), npos) as tf.Scalar;
    const reg = tf.slice(out, [0, 0, 0, C + 1], [-1, -1, -1, 12]);
    const l1 = tf.mul(tf.abs(tf.sub(reg, tf.tensor4d(t.regression, [B, h, w, 12]))), tf.expandDims(pos, 3)); // [B, h, w, 12]
    const group = (from: number, count: number) => tf.div(tf.sum(tf.slice(l1, [0, 0, 0, from], [-1, -1, -1, count])), npos) as tf.Scalar;
    const terms: [string, tf.Scalar, number][] = [
      ['cls', cls, weights.classification], ['ctr', ctr, weights.centerness], ['offset', group(0, 2), weights.offset], ['depth', group(2, 1), weights.depth],
      ['size', group(3, 3), weights.size], ['rot', group(6, 2), weights.rotation], ['box2d', group(8, 4), weights.box2d],
    ];
    for (const [name, value] of terms) parts[name] = tf.keep(value);
    return tf.addN(terms.map(([, value, weight]) => tf.mul(value, weight))) as tf.Scalar;
  });
  return { total, parts };
}
