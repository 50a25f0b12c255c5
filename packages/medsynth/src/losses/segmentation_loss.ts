/**
 * Losses of a K-class segmenter's logits [B, H, W, K], all differentiable w.r.t. the logits
 * (and so w.r.t. whatever image produced them):
 *
 * - softmaxCrossEntropy: mean over pixels of −log softmax(logits)[label]; with class weights
 *   w, Σ w_y·(−log p_y) / Σ w_y (PyTorch `CrossEntropyLoss(weight=w)`, reduction 'mean').
 * - softDiceLoss: 1 − mean over classes of (2 Σ p·t + ε) / (Σ p + Σ t + ε), sums pooled over
 *   the batch, ε = 1e-5 (MONAI DiceLoss' smooth_nr = smooth_dr = 1e-5, so a class absent from
 *   both counts as perfect).
 * - softTargetDivergence: cross-entropy −Σ q·log p or KL Σ q·(log q − log p) between a
 *   reference distribution q = softmax(refLogits), held constant, and p = softmax(logits),
 *   averaged over pixels. Both have the same gradient w.r.t. the logits; KL is 0 at p = q.
 */
import { losses, tf, ShapeError, ValueError, stopGradient, checkShape, checkSameShape } from '@lacuna/core';

const DICE_SMOOTH = 1e-5;

export interface SegmentationLossOptions {
  /** Per-class weights of the cross-entropy (length K, ≥ 0, not all 0). Default: equal. */
  readonly classWeights?: readonly number[];
  /** Weight of the soft Dice loss added to the cross-entropy. Default 0. */
  readonly dice?: number;
}

export type Divergence = 'ce' | 'kl';
export const DIVERGENCES: readonly Divergence[] = ['ce', 'kl'];

function checkLogits(logits: tf.Tensor, labels: tf.Tensor, fn: string): number {
  const [b, h, w, k] = logits.shape;
  if (logits.rank !== 4 || labels.rank !== 3 || labels.shape[0] !== b || labels.shape[1] !== h || labels.shape[2] !== w) {
    throw new ShapeError(`${fn}: logits must be [B, H, W, K] and labels int32 [B, H, W]; got [${logits.shape.join(', ')}] and [${labels.shape.join(', ')}]`, labels.shape, [b!, h!, w!]);
  }
  return k!;
}

/** Mean (optionally class-weighted) softmax cross-entropy (core's). logits [B, H, W, K], labels int32 [B, H, W]. */
export function softmaxCrossEntropy(logits: tf.Tensor4D, labels: tf.Tensor3D, classWeights?: readonly number[]): tf.Scalar {
  checkLogits(logits, labels, 'softmaxCrossEntropy');
  return losses.crossEntropy(logits, labels, classWeights ? { classWeights } : {});
}

/** 1 − mean soft Dice over classes, sums pooled over the batch (core's). logits [B, H, W, K], labels int32 [B, H, W]. */
export function softDiceLoss(logits: tf.Tensor4D, labels: tf.Tensor3D): tf.Scalar {
  const k = checkLogits(logits, labels, 'softDiceLoss');
  return tf.tidy(() => losses.softDiceLoss(tf.softmax(logits), tf.cast(tf.oneHot(tf.cast(labels, 'int32'), k), 'float32'), DICE_SMOOTH));
}

/** Cross-entropy (+ dice × soft Dice): the segmenter's training loss and the supervised task term. */
export function segmentationLoss(logits: tf.Tensor4D, labels: tf.Tensor3D, options: SegmentationLossOptions = {}): tf.Scalar {
  const dice = options.dice ?? 0;
  if (!(dice >= 0)) throw new ValueError(`segmentationLoss: dice weight must be ≥ 0, got ${dice}`);
  return tf.tidy(() => {
    const ce = softmaxCrossEntropy(logits, labels, options.classWeights);
    return dice > 0 ? (tf.add(ce, tf.mul(softDiceLoss(logits, labels), dice)) as tf.Scalar) : ce;
  });
}

/**
 * Mean over pixels of the divergence from q = softmax(refLogits) (detached: the reference)
 * to p = softmax(logits). Both [B, H, W, K].
 */
export function softTargetDivergence(refLogits: tf.Tensor4D, logits: tf.Tensor4D, kind: Divergence = 'kl'): tf.Scalar {
  checkShape(logits.shape, ['B', 'H', 'W', 'K'], 'softTargetDivergence logits');
  checkSameShape(refLogits.shape, logits.shape, 'softTargetDivergence', ['reference', 'logits']);
  if (!DIVERGENCES.includes(kind)) throw new ValueError(`softTargetDivergence: kind must be one of ${DIVERGENCES.join(', ')}, got '${kind}'`);
  return tf.tidy(() => {
    const logQ = stopGradient(tf.logSoftmax(refLogits));
    const q = tf.exp(logQ);
    const logP = tf.logSoftmax(logits);
    const perPixel = kind === 'kl' ? tf.sum(tf.mul(q, tf.sub(logQ, logP)), -1) : tf.neg(tf.sum(tf.mul(q, logP), -1)); // [B, H, W]
    return tf.mean(perPixel) as tf.Scalar;
  });
}
