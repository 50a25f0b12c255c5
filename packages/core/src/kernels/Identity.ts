/**
 * Identity, and Cast to the same dtype, on the wasm backend without a copy: the output shares
 * the input's data (reference-counted, as on the cpu backend). The stock kernels copy, and
 * tfjs runs Identity for every tensor a kernel saves for its gradient (and Cast for the
 * gradient of that): about 1/25 of a U-Net training step was these copies.
 */
import { Cast, getKernel, Identity } from '@tensorflow/tfjs-core';
import type { CastAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from './wasm_module.js';

type Backend = WasmBackendLike & { incRef(dataId: object): void };

function share(backend: Backend, x: TensorInfo): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export function identityKernelConfigs(): KernelConfig[] {
  const stockIdentity = getKernel(Identity, 'wasm');
  const stockCast = getKernel(Cast, 'wasm');
  const configs: KernelConfig[] = [];
  if (stockIdentity) {
    const identity = (args: { inputs: { x: TensorInfo }; backend: Backend }): TensorInfo =>
      args.inputs.x.dtype === 'string' ? (stockIdentity.kernelFunc(args as never) as TensorInfo) : share(args.backend, args.inputs.x);
    configs.push({ kernelName: Identity, backendName: 'wasm', kernelFunc: identity as unknown as KernelFunc });
  }
  if (stockCast) {
    const cast = (args: { inputs: { x: TensorInfo }; backend: Backend; attrs: CastAttrs }): TensorInfo =>
      args.inputs.x.dtype === args.attrs.dtype && args.inputs.x.dtype !== 'string' ? share(args.backend, args.inputs.x) : (stockCast.kernelFunc(args as never) as TensorInfo);
    configs.push({ kernelName: Cast, backendName: 'wasm', kernelFunc: cast as unknown as KernelFunc });
  }
  return configs;
}
