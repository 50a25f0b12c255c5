/**
 * Conv2DBackpropInput for the wasm backend, replacing the stock kernel (a scalar loop, about
 * 3 GFLOP/s here). It is both the input gradient of conv2d and the forward of conv2dTranspose.
 *
 * Stride 1: a forward conv2d (XNNPACK, threaded) of dy with the flipped, transposed filter.
 * Otherwise: dcol [M, KH*KW*Ci] = dy [M, Co] @ W^T [Co, KH*KW*Ci], then col2im scatter-adds it
 * into dx.
 */
import { Conv2DBackpropInput } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo, Conv2DBackpropInputInputs, Conv2DBackpropInputAttrs } from '@tensorflow/tfjs-core';
import { convGeometry } from './Conv2DBackpropFilter.js';
import { batchChunk, lacunaKernels, ptr, runWasmKernel, view, type WasmBackendLike } from './wasm_module.js';

export function conv2DBackpropInputWasm(args: {
  inputs: Conv2DBackpropInputInputs;
  backend: WasmBackendLike;
  attrs: Conv2DBackpropInputAttrs & { dilations?: number | [number, number] };
}): TensorInfo {
  const { backend, attrs } = args;
  const dy = args.inputs.dy as TensorInfo;
  const filter = args.inputs.filter as TensorInfo;
  if (attrs.dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropInput (wasm): only NHWC is supported, got ${attrs.dataFormat}`);
  const fShape = filter.shape as [number, number, number, number];
  const g = convGeometry(attrs.inputShape, fShape, attrs.strides, attrs.pad, attrs.dimRoundingMode, attrs.dilations ?? 1);
  const k = lacunaKernels(backend);

  // Stride 1: dx = conv2d(dy, flip(W)^T) with the complementary padding.
  const padTop = (g.KH - 1) * g.dh - g.pt;
  const padLeft = (g.KW - 1) * g.dw - g.pl;
  const padBottom = g.H - g.OH - padTop + (g.KH - 1) * g.dh;
  const padRight = g.W - g.OW - padLeft + (g.KW - 1) * g.dw;
  if (g.sh === 1 && g.sw === 1 && padTop >= 0 && padLeft >= 0 && padBottom >= 0 && padRight >= 0) {
    const flipped = runWasmKernel(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
    const wT = runWasmKernel(backend, 'Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
    backend.disposeData(flipped.dataId);
    const dx = runWasmKernel(backend, 'Conv2D', { x: dy, filter: wT }, {
      strides: [1, 1],
      pad: [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]],
      dataFormat: 'NHWC',
      dilations: [g.dh, g.dw],
      dimRoundingMode: undefined as unknown as string,
    });
    backend.disposeData(wT.dataId);
    return dx;
  }

  const K = g.KH * g.KW * g.Ci;
  const rows = g.OH * g.OW;
  const dx = backend.makeOutput([g.B, g.H, g.W, g.Ci], 'float32');
  k.fill_zero(ptr(backend, dx), g.B * g.H * g.W * g.Ci);
  const chunk = batchChunk(g.B, rows, K);
  // W^T [Co, K]: the backend's GEMM is ~20x slower with transposeB than on a pre-transposed B.
  const wT = backend.makeOutput([g.Co, K], 'float32');
  k.transpose_2d(ptr(backend, filter), ptr(backend, wT), K, g.Co);
  for (let b0 = 0; b0 < g.B; b0 += chunk) {
    const nb = Math.min(chunk, g.B - b0);
    const m = nb * rows;
    // dy rows of this chunk are contiguous: view them through a shifted TensorInfo-free path
    // by slicing with the backend's Slice kernel only when there is more than one chunk.
    const dyChunk = chunk >= g.B ? view(dy, [1, m, g.Co]) : runWasmKernel(backend, 'Slice', { x: view(dy, [g.B * rows, g.Co]) }, { begin: [b0 * rows, 0], size: [m, g.Co] });
    const dcol = runWasmKernel(backend, 'BatchMatMul', { a: view(dyChunk, [1, m, g.Co]), b: view(wT, [1, g.Co, K]) }, { transposeA: false, transposeB: false });
    if (chunk < g.B) backend.disposeData(dyChunk.dataId);
    k.col2im_add(ptr(backend, dcol), b0, nb, g.H, g.W, g.Ci, g.KH, g.KW, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl, g.OH, g.OW, ptr(backend, dx));
    backend.disposeData(dcol.dataId);
  }
  backend.disposeData(wT.dataId);
  return dx;
}

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInputWasm as unknown as KernelFunc,
};
