/**
 * Adversarial losses on discriminator logits, as pix2pix's `GANLoss` (Isola et al. 2017;
 * junyanz/pytorch-CycleGAN-and-pix2pix networks.py): the target is 1 for "real" and 0 for
 * "fake", and the loss is the mean over every logit (every PatchGAN patch).
 *
 * - 'vanilla': binary cross-entropy with logits (Goodfellow et al. 2014), written in the
 *   overflow-free form max(x, 0) − x·z + log(1 + e^−|x|), with the exact gradient σ(x) − z.
 * - 'lsgan': least squares (Mao et al. 2017): (x − 1)² for real, x² for fake.
 */
import { losses, tf, lookUpOption } from '@lacuna/core';

export type GanLossKind = 'vanilla' | 'lsgan';
export const GAN_LOSS_KINDS: readonly GanLossKind[] = ['vanilla', 'lsgan'];

/** Elementwise BCE of logits against labels in [0, 1], stable for any |x| (core's). */
export const bceWithLogits = losses.bceWithLogits;

/**
 * The adversarial loss of `logits` (any shape, e.g. PatchGAN's [B, H', W', 1]) when their
 * target label is real (`isReal`) or fake: a scalar mean.
 */
export function ganLoss(logits: tf.Tensor, isReal: boolean, kind: GanLossKind): tf.Scalar {
  lookUpOption(kind, GAN_LOSS_KINDS, 'ganLoss.kind');
  return tf.tidy(() => {
    const label = isReal ? 1 : 0;
    if (kind === 'lsgan') return tf.mean(tf.square(tf.sub(logits, label))) as tf.Scalar;
    return tf.mean(bceWithLogits(logits, tf.fill(logits.shape, label))) as tf.Scalar;
  });
}
