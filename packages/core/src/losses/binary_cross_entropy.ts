/**
 * Binary cross-entropy on logits, element by element: max(x, 0) − x·z + log(1 + exp(−|x|)),
 * the stable form of −z log σ(x) − (1 − z) log(1 − σ(x)), with the gradient σ(x) − z written
 * out (tfjs' own gradient of the stable form is not exact at x = 0).
 */
import * as tf from '@tensorflow/tfjs-core';

/** logits and labels of one shape → the per-element loss (same shape). */
export function bceWithLogits(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  const f = tf.customGrad((...args) => {
    const [x, z] = args as [tf.Tensor, tf.Tensor];
    (args[2] as (saved: tf.Tensor[]) => void)([x, z]);
    const value = tf.add(tf.sub(tf.relu(x), tf.mul(x, z)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
    return {
      value,
      gradFunc: (dy, saved) => {
        const [s, l] = saved as [tf.Tensor, tf.Tensor];
        const g = dy as tf.Tensor;
        // d/dx = σ(x) − z; d/dz = −x (labels are constants in practice).
        return [tf.mul(g, tf.sub(tf.sigmoid(s), l)), tf.mul(g, tf.neg(s))];
      },
    };
  });
  return f(logits, labels);
}
