/**
 * Conv2DBackpropFilter for the wasm backend (the stock backend has none).
 *
 * dW [KH*KW*Ci, Co] = im2col(x)^T [KH*KW*Ci, M] @ dy [M, Co], M = B*OH*OW, summed over batch
 * chunks to bound scratch memory; the GEMM is XNNPACK's (threaded), the transpose and the
 * transposed im2col are ours (split over the backend's thread count, wasm_threads.ts), working
 * in place in the backend's memory.
 */
import { backend_util, Conv2DBackpropFilter } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo, Conv2DBackpropFilterInputs, Conv2DBackpropFilterAttrs } from '@tensorflow/tfjs-core';
import { batchChunk, lacunaKernels, lacunaThreads, ptr, runWasmKernel, view, type WasmBackendLike } from './wasm_module.js';
import { parallel } from './wasm_threads.js';

export interface ConvGeometry {
  B: number; H: number; W: number; Ci: number; Co: number; KH: number; KW: number;
  sh: number; sw: number; dh: number; dw: number; pt: number; pl: number; pb: number; pr: number; OH: number; OW: number;
}

export function convGeometry(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  strides: number | [number, number],
  pad: Conv2DBackpropFilterAttrs['pad'],
  dimRoundingMode: Conv2DBackpropFilterAttrs['dimRoundingMode'],
  dilations: number | [number, number] = 1,
): ConvGeometry {
  const info = backend_util.computeConv2DInfo(xShape, filterShape, strides, dilations, pad, dimRoundingMode, false, 'channelsLast');
  return {
    B: info.batchSize, H: info.inHeight, W: info.inWidth, Ci: info.inChannels, Co: info.outChannels,
    KH: info.filterHeight, KW: info.filterWidth, sh: info.strideHeight, sw: info.strideWidth,
    dh: info.dilationHeight, dw: info.dilationWidth, pt: info.padInfo.top, pl: info.padInfo.left, pb: info.padInfo.bottom, pr: info.padInfo.right,
    OH: info.outHeight, OW: info.outWidth,
  };
}

export function conv2DBackpropFilterWasm(args: {
  inputs: Conv2DBackpropFilterInputs;
  backend: WasmBackendLike;
  attrs: Conv2DBackpropFilterAttrs & { dilations?: number | [number, number] };
}): TensorInfo {
  const { backend, attrs } = args;
  const x = args.inputs.x as TensorInfo;
  const dy = args.inputs.dy as TensorInfo;
  if (attrs.dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropFilter (wasm): only NHWC is supported, got ${attrs.dataFormat}`);
  const g = convGeometry(x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, attrs.pad, attrs.dimRoundingMode, attrs.dilations ?? 1);
  const k = lacunaKernels(backend);
  const K = g.KH * g.KW * g.Ci;
  const rows = g.OH * g.OW;
  // Channel-major copy of x, so each im2col row is a run of contiguous copies.
  const xT = backend.makeOutput([g.Ci, g.B * g.H * g.W], 'float32');
  const threads = lacunaThreads(backend);
  parallel(k, threads, 'transpose_2d_part', [ptr(backend, x), ptr(backend, xT), g.B * g.H * g.W, g.Ci]);
  const chunk = batchChunk(g.B, rows, K);
  const colT = backend.makeOutput([K, chunk * rows], 'float32');
  let acc: TensorInfo | null = null;
  for (let b0 = 0; b0 < g.B; b0 += chunk) {
    const nb = Math.min(chunk, g.B - b0);
    const m = nb * rows;
    parallel(k, threads, 'im2col_t_part', [ptr(backend, xT), g.B, b0, nb, g.H, g.W, g.Ci, g.KH, g.KW, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl, g.OH, g.OW, ptr(backend, colT)]);
    const dyChunk = nb === g.B ? view(dy, [1, m, g.Co]) : runWasmKernel(backend, 'Slice', { x: view(dy, [g.B * rows, g.Co]) }, { begin: [b0 * rows, 0], size: [m, g.Co] });
    // dW [K, Co] += colT [K, m] @ dy [m, Co]
    const part = runWasmKernel(backend, 'BatchMatMul', { a: view(colT, [1, K, m]), b: view(dyChunk, [1, m, g.Co]) }, { transposeA: false, transposeB: false });
    if (nb !== g.B) backend.disposeData(dyChunk.dataId);
    if (acc === null) acc = part;
    else {
      const sum = runWasmKernel(backend, 'Add', { a: acc, b: part });
      backend.disposeData(acc.dataId);
      backend.disposeData(part.dataId);
      acc = sum;
    }
  }
  backend.disposeData(colT.dataId);
  backend.disposeData(xT.dataId);
  return view(acc!, [g.KH, g.KW, g.Ci, g.Co]);
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilterWasm as unknown as KernelFunc,
};
