/** Argument checks shared by the image losses. */
import { tf, ShapeError } from '@lacuna/core';

/** Throws unless `pred` and `target` are both [B, H, W, C] with the same shape. */
export function checkSameImages(pred: tf.Tensor, target: tf.Tensor, fn: string): void {
  const same = pred.rank === 4 && target.rank === 4 && pred.shape.every((d, i) => d === target.shape[i]);
  if (!same) {
    throw new ShapeError(
      `${fn}: pred and target must both be [B, H, W, C] with the same shape, got [${pred.shape.join(', ')}] and [${target.shape.join(', ')}]`,
      pred.shape,
      target.shape,
    );
  }
}
