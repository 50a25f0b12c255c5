/**
 * Conv2D gradient with dilation support. The stock gradient rejects dilation rates > 1; on
 * wasm, Lacuna's kernels take the dilations directly, elsewhere the dilated filter is
 * expanded with zeros (a dilated conv is a plain conv with that filter) and the gradient of
 * the expanded filter is subsampled back.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Conv2D, getGradient, registerGradient, type GradConfig, type NamedAttrMap, type Tensor } from '@tensorflow/tfjs-core';

type Pair = [number, number];
const pair = (v: number | number[]): Pair => (typeof v === 'number' ? [v, v] : [v[0]!, v[1]!]);

/** Inserts d-1 zeros between filter taps: [KH, KW, Ci, Co] -> [(KH-1)dh+1, (KW-1)dw+1, Ci, Co]. */
export function dilateFilter(filter: tf.Tensor4D, [dh, dw]: Pair): tf.Tensor4D {
  return tf.tidy(() => {
    const [KH, KW, Ci, Co] = filter.shape;
    let f: tf.Tensor = filter;
    if (dh > 1) {
      // [KH, 1, ...] ++ zeros [KH, dh-1, ...] -> [KH*dh, ...] then drop the trailing zeros
      const z = tf.zeros([KH, dh - 1, KW, Ci, Co]);
      f = tf.concat([tf.reshape(f, [KH, 1, KW, Ci, Co]), z], 1).reshape([KH * dh, KW, Ci, Co]).slice([0, 0, 0, 0], [(KH - 1) * dh + 1, KW, Ci, Co]);
    }
    if (dw > 1) {
      const H2 = f.shape[0]!;
      const z = tf.zeros([H2, KW, dw - 1, Ci, Co]);
      f = tf.concat([tf.reshape(f, [H2, KW, 1, Ci, Co]), z], 2).reshape([H2, KW * dw, Ci, Co]).slice([0, 0, 0, 0], [H2, (KW - 1) * dw + 1, Ci, Co]);
    }
    return f as tf.Tensor4D;
  });
}

let installed = false;
export function registerDilatedConv2DGradient(): void {
  if (installed) return;
  installed = true;
  const stock = getGradient(Conv2D);
  if (!stock) return;
  const config: GradConfig = {
    kernelName: Conv2D,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const [dh, dw] = pair(attrs['dilations'] as number | number[]);
      if (dh === 1 && dw === 1) return stock.gradFunc(dy, saved, attrs);
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const dy4 = dy as tf.Tensor4D;
      const strides = attrs['strides'] as number | Pair;
      const pad = attrs['pad'] as 'same' | 'valid';
      const dimRoundingMode = attrs['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined;
      if (tf.getBackend() === 'wasm') {
        const common = { strides, pad, dataFormat: 'NHWC', dimRoundingMode, dilations: [dh, dw] };
        return {
          x: () => tf.engine().runKernel('Conv2DBackpropInput', { dy: dy4, filter }, { ...common, inputShape: x.shape } as unknown as NamedAttrMap) as Tensor,
          filter: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dy4 }, { ...common, filterShape: filter.shape } as unknown as NamedAttrMap) as Tensor,
        };
      }
      const big = dilateFilter(filter, [dh, dw]);
      return {
        x: () => tf.conv2dTranspose(dy4, big, x.shape, strides, pad, dimRoundingMode),
        filter: () =>
          tf.tidy(() => {
            const gBig = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dy4 }, {
              strides, pad, dataFormat: 'NHWC', dimRoundingMode, filterShape: big.shape,
            } as unknown as NamedAttrMap) as tf.Tensor4D;
            return tf.stridedSlice(gBig, [0, 0, 0, 0], gBig.shape, [dh, dw, 1, 1]);
          }),
      };
    },
  };
  registerGradient(config);
}
