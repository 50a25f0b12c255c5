import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { numericGrad, relMaxError, sampleIndices } from './gradcheck.js';

/** The convolution cases every conv kernel (wasm, native) is tested on: strides, padding modes, dilation, odd channels. */
export type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
export interface ConvCase { x: number[]; w: number[]; stride: number; pad: Pad; dilation: number }

// shapes: x [B, H, W, Ci], w [KH, KW, Ci, Co]
export const CONV_CASES: ConvCase[] = [
  { x: [2, 9, 9, 3], w: [3, 3, 3, 4], stride: 1, pad: 'same', dilation: 1 },
  { x: [2, 9, 9, 3], w: [3, 3, 3, 4], stride: 2, pad: 'same', dilation: 1 },
  { x: [2, 10, 10, 3], w: [4, 4, 3, 5], stride: 2, pad: 'same', dilation: 1 },
  { x: [2, 9, 8, 3], w: [3, 3, 3, 4], stride: 1, pad: 'valid', dilation: 1 },
  { x: [2, 9, 9, 3], w: [3, 2, 3, 4], stride: 2, pad: 'valid', dilation: 1 },
  { x: [1, 7, 7, 2], w: [3, 3, 2, 3], stride: 1, pad: [[0, 0], [1, 2], [0, 1], [0, 0]], dilation: 1 },
  { x: [1, 9, 9, 2], w: [3, 3, 2, 3], stride: 2, pad: [[0, 0], [2, 1], [1, 0], [0, 0]], dilation: 1 },
  { x: [1, 8, 8, 2], w: [2, 2, 2, 3], stride: 2, pad: 'valid', dilation: 1 },
  { x: [2, 11, 11, 3], w: [3, 3, 3, 2], stride: 1, pad: 'same', dilation: 2 },
  { x: [1, 12, 12, 2], w: [3, 3, 2, 2], stride: 1, pad: 'valid', dilation: 3 },
  { x: [1, 6, 6, 70], w: [3, 3, 70, 9], stride: 1, pad: 'same', dilation: 1 }, // odd channel counts
];


export const convCaseName = (c: ConvCase): string => `x${c.x.join('x')} w${c.w.join('x')} s${c.stride} ${JSON.stringify(c.pad)} d${c.dilation}`;

/** Runs `f` with tfjs switched to `backend`, then switches back. */
export async function onBackend<T>(backend: string, f: () => T): Promise<T> {
  const prev = tf.getBackend();
  await tf.setBackend(backend);
  try {
    return f();
  } finally {
    await tf.setBackend(prev);
  }
}

/**
 * Checks conv2d on the wasm backend (whatever kernels are registered there) against the cpu
 * backend: the output, and both gradients of L = sum(conv(x, w) * r) (dL/dconv = r, so this
 * checks both backprop kernels), then the gradients against central differences (exact up to
 * rounding: L is linear in each input). `afterWasm` runs right after the wasm pass.
 */
export async function checkConvCase(c: ConvCase, afterWasm?: () => void): Promise<void> {
  const xv = tf.randomNormal(c.x, 0, 1, 'float32', 1).dataSync();
  const wv = tf.randomNormal(c.w, 0, 0.5, 'float32', 2).dataSync();
  const conv = (x: tf.Tensor, w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.stride, c.pad, 'NHWC', c.dilation);
  const outShape = tf.tidy(() => conv(tf.tensor(xv, c.x), tf.tensor(wv, c.w)).shape);
  const rv = tf.randomNormal(outShape, 0, 1, 'float32', 3).dataSync();
  const loss = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(conv(x, w), tf.tensor(rv, outShape))) as tf.Scalar;
  const run = (backend: string) =>
    onBackend(backend, () =>
      tf.tidy(() => {
        const x = tf.tensor(xv, c.x);
        const w = tf.tensor(wv, c.w);
        return [conv(x, w), ...tf.grads(loss)([x, w])].map((t) => t.dataSync().slice());
      }),
    );
  const [y, dx, dw] = await run('wasm');
  afterWasm?.();
  const [yC, dxC, dwC] = await run('cpu');
  assert.ok(relMaxError(y!, yC!) < 1e-5, `y vs cpu: ${relMaxError(y!, yC!)}`);
  assert.ok(relMaxError(dx!, dxC!) < 1e-5, `dx vs cpu: ${relMaxError(dx!, dxC!)}`);
  assert.ok(relMaxError(dw!, dwC!) < 1e-5, `dw vs cpu: ${relMaxError(dw!, dwC!)}`);
  const x = tf.tensor(xv, c.x);
  const w = tf.tensor(wv, c.w);
  const ix = sampleIndices(xv.length, 12);
  const iw = sampleIndices(wv.length, 12);
  assert.ok(relMaxError(ix.map((i) => dx![i]!), numericGrad(loss, [x, w], 0, ix, 0.05)) < 2e-2, 'dx vs finite differences');
  assert.ok(relMaxError(iw.map((i) => dw![i]!), numericGrad(loss, [x, w], 1, iw, 0.05)) < 2e-2, 'dw vs finite differences');
  tf.dispose([x, w]);
}
