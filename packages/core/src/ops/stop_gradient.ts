/**
 * stopGradient(x): x in the forward pass, zero gradient in the backward pass (PyTorch's
 * `.detach()`, TF's `tf.stop_gradient`), which tfjs lacks. Used where a loss compares with
 * features that must act as constants (pix2pixHD's `pred_real[i][j].detach()`).
 */
import * as tf from '@tensorflow/tfjs-core';

const detached = tf.customGrad((...args) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy) => tf.zerosLike(dy as tf.Tensor) };
});

/** A copy of `x` through which no gradient flows. */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return detached(x) as T;
}
