/**
 * Sum and Mean for the wasm backend over any contiguous run of axes, without the full
 * transpose the stock kernels make when the reduced axes are not the innermost ones
 * (instance-norm moments and bias gradients reduce [B, H, W] of [B, H, W, C]).
 * Other cases fall back to the stock kernels.
 */
import { getKernel, Mean, Sum, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo, SumAttrs, SumInputs } from '@tensorflow/tfjs-core';
import { lacunaKernels, ptr, type WasmBackendLike } from './wasm_module.js';

function reduceConfig(kernelName: typeof Sum | typeof Mean): KernelConfig {
  const stock = getKernel(kernelName, 'wasm');
  const kernelFunc = (args: { inputs: SumInputs; backend: WasmBackendLike; attrs: SumAttrs }): TensorInfo => {
    const x = args.inputs.x as TensorInfo;
    const { backend, attrs } = args;
    const axes = util.parseAxisParam(attrs.axis, x.shape).sort((a, b) => a - b);
    const contiguous = axes.length > 0 && axes.every((a, i) => i === 0 || a === axes[i - 1]! + 1);
    if (x.dtype !== 'float32' || !contiguous || !stock) {
      if (!stock) throw new Error(`${kernelName} (wasm): no fallback kernel`);
      return stock.kernelFunc(args as never) as TensorInfo;
    }
    const first = axes[0]!;
    const last = axes[axes.length - 1]!;
    const outer = util.sizeFromShape(x.shape.slice(0, first));
    const mid = util.sizeFromShape(x.shape.slice(first, last + 1));
    const inner = util.sizeFromShape(x.shape.slice(last + 1));
    const outShape = attrs.keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    const out = backend.makeOutput(outShape, 'float32');
    const k = lacunaKernels(backend);
    k.sum_middle(ptr(backend, x), outer, mid, inner, ptr(backend, out));
    if (kernelName === Mean) k.scale_floats(ptr(backend, out), outer * inner, 1 / mid);
    return out;
  };
  // The stock setupFunc binds the wasm functions the fallback calls.
  return { kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc, ...(stock?.setupFunc ? { setupFunc: stock.setupFunc } : {}) };
}

/** Built lazily: they wrap the stock kernels, which must be registered first. */
export const reduceConfigs = (): KernelConfig[] => [reduceConfig(Sum), reduceConfig(Mean)];
