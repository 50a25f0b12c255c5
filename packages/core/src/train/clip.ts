/**
 * Gradient clipping by global norm, as PyTorch's clip_grad_norm_: with N = ‖(‖g₁‖, …, ‖gₙ‖)‖₂,
 * every gradient is scaled by min(1, maxNorm / (N + 1e-6)).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from '../errors.js';

/** ‖(‖g₁‖₂, …, ‖gₙ‖₂)‖₂ as a scalar tensor. */
export function globalNorm(grads: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => {
    if (grads.length === 0) return tf.scalar(0);
    return tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
  });
}

/**
 * Returns new tensors (the caller disposes them and `norm`): the gradients scaled by
 * min(1, maxNorm / (norm + eps)), and the global norm before clipping.
 */
export function clipByGlobalNorm(grads: readonly tf.Tensor[], maxNorm: number, eps?: number): { grads: tf.Tensor[]; norm: tf.Scalar };
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number, eps?: number): { grads: tf.NamedTensorMap; norm: tf.Scalar };
export function clipByGlobalNorm(
  grads: readonly tf.Tensor[] | tf.NamedTensorMap,
  maxNorm: number,
  eps = 1e-6,
): { grads: tf.Tensor[] | tf.NamedTensorMap; norm: tf.Scalar } {
  if (!(Number.isFinite(maxNorm) && maxNorm > 0)) throw new ValueError(`clipByGlobalNorm: maxNorm must be a positive number, got ${maxNorm}`);
  const isArray = Array.isArray(grads);
  const names = isArray ? [] : Object.keys(grads);
  const list = isArray ? (grads as readonly tf.Tensor[]) : names.map((n) => (grads as tf.NamedTensorMap)[n]!);
  const norm = globalNorm(list);
  const clipped = tf.tidy(() => {
    const coef = tf.minimum(tf.div(maxNorm, tf.add(norm, eps)), 1);
    return list.map((g) => tf.mul(g, coef));
  });
  if (isArray) return { grads: clipped, norm };
  const out: tf.NamedTensorMap = {};
  names.forEach((n, i) => (out[n] = clipped[i]!));
  return { grads: out, norm };
}
