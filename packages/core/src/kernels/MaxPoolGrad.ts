/** MaxPoolGrad for the wasm backend; the stock kernel loses gradient for batch/channel > 1. */
import { backend_util, MaxPoolGrad } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo, MaxPoolGradInputs, MaxPoolGradAttrs } from '@tensorflow/tfjs-core';
import { lacunaKernels, ptr, type WasmBackendLike } from './wasm_module.js';

export function maxPoolGradWasm(args: { inputs: MaxPoolGradInputs; backend: WasmBackendLike; attrs: MaxPoolGradAttrs }): TensorInfo {
  const { backend, attrs } = args;
  const dy = args.inputs.dy as TensorInfo;
  const x = args.inputs.input as TensorInfo;
  const info = backend_util.computePool2DInfo(x.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const dx = backend.makeOutput(x.shape, 'float32');
  lacunaKernels(backend).max_pool_grad(
    ptr(backend, x), ptr(backend, dy), info.batchSize, info.inHeight, info.inWidth, info.inChannels,
    info.effectiveFilterHeight, info.effectiveFilterWidth, info.strideHeight, info.strideWidth, 1, 1,
    info.padInfo.top, info.padInfo.left, info.outHeight, info.outWidth, ptr(backend, dx),
  );
  return dx;
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGradWasm as unknown as KernelFunc,
};
