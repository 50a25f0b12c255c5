/**
 * AvgPool gradient that matches the forward pass with 'same' padding. The forward divides
 * each window by the number of taps inside the image, but the stock gradient (all backends
 * in tfjs 4.22) divides by the full window size; we rescale dy by window / count first.
 */
import * as tf from '@tensorflow/tfjs-core';
import { AvgPool, backend_util, getGradient, registerGradient, type GradConfig, type NamedAttrMap, type Tensor } from '@tensorflow/tfjs-core';

/** Taps of each output window that fall inside the image, [1, OH, OW, 1]. */
export function avgPoolCounts(info: backend_util.Conv2DInfo): tf.Tensor4D {
  const inside = (o: number, s: number, p: number, k: number, n: number) => Math.min(o * s - p + k, n) - Math.max(o * s - p, 0);
  const counts = new Float32Array(info.outHeight * info.outWidth);
  for (let oh = 0; oh < info.outHeight; oh++) {
    const rows = inside(oh, info.strideHeight, info.padInfo.top, info.filterHeight, info.inHeight);
    for (let ow = 0; ow < info.outWidth; ow++) {
      counts[oh * info.outWidth + ow] = rows * inside(ow, info.strideWidth, info.padInfo.left, info.filterWidth, info.inWidth);
    }
  }
  return tf.tensor4d(counts, [1, info.outHeight, info.outWidth, 1]);
}

let installed = false;
export function registerAvgPoolGradient(): void {
  if (installed) return;
  installed = true;
  const stock = getGradient(AvgPool);
  if (!stock) return;
  const config: GradConfig = {
    kernelName: AvgPool,
    inputsToSave: ['x'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const x = saved[0] as tf.Tensor4D;
      const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.AvgPoolAttrs;
      const info = backend_util.computePool2DInfo(x.shape, filterSize, strides, 1, pad, dimRoundingMode);
      const p = info.padInfo;
      if (p.top === 0 && p.bottom === 0 && p.left === 0 && p.right === 0) return stock.gradFunc(dy, saved, attrs);
      return {
        x: () =>
          tf.tidy(() => {
            const scale = tf.div(info.filterHeight * info.filterWidth, avgPoolCounts(info));
            const dyScaled = tf.mul(dy as Tensor, scale);
            return tf.engine().runKernel('AvgPoolGrad', { dy: dyScaled, input: x }, attrs) as Tensor;
          }),
      };
    },
  };
  registerGradient(config);
}
