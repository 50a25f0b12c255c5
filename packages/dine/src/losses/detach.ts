/**
 * tfjs has no stop_gradient: `detach(x)` is the identity whose gradient is zero, so targets
 * computed from the network (MixUp's mixed predictions) act as constants in the loss.
 */
import { tf } from '@lacuna/core';

const detachOp = tf.customGrad(((x: tf.Tensor) => ({ value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) })) as unknown as Parameters<typeof tf.customGrad>[0]);

export function detach<T extends tf.Tensor>(x: T): T {
  return detachOp(x) as T;
}
