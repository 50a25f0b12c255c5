/** Argument checks shared by the image losses. */
import { tf, checkShape, checkSameShape } from '@lacuna/core';

/** Throws unless `pred` and `target` are both [B, H, W, C] with the same shape. */
export function checkSameImages(pred: tf.Tensor, target: tf.Tensor, fn: string): void {
  checkShape(pred.shape, ['B', 'H', 'W', 'C'], `${fn} pred`);
  checkSameShape(pred.shape, target.shape, fn);
}
