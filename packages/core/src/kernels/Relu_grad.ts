/**
 * ReLU's gradient on wasm as one kernel (LacunaReluGrad: dx = x > 0 ? dy : 0, one pass);
 * tfjs' gradient composes Step, Cast and Multiply (three passes). Other backends keep the
 * stock gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getGradient, registerGradient, Relu } from '@tensorflow/tfjs-core';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { lacunaKernels, ptr, type WasmBackendLike } from './wasm_module.js';

export const LACUNA_RELU_GRAD = 'LacunaReluGrad';

export const reluGradConfig: KernelConfig = {
  kernelName: LACUNA_RELU_GRAD,
  backendName: 'wasm',
  kernelFunc: ((args: { inputs: { dy: TensorInfo; x: TensorInfo }; backend: WasmBackendLike }) => {
    const { dy, x } = args.inputs;
    const out = args.backend.makeOutput(x.shape, 'float32');
    lacunaKernels(args.backend).relu_grad(ptr(args.backend, x), ptr(args.backend, dy), ptr(args.backend, out), x.shape.reduce((a, b) => a * b, 1));
    return out;
  }) as unknown as KernelFunc,
};

let installed = false;
export function registerReluGradient(): void {
  if (installed) return;
  installed = true;
  const stock = getGradient(Relu);
  if (!stock) return;
  const config: GradConfig = {
    kernelName: Relu,
    inputsToSave: ['x'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const [x] = saved as [Tensor];
      if (tf.getBackend() !== 'wasm' || x.dtype !== 'float32' || (dy as Tensor).dtype !== 'float32') return stock.gradFunc(dy, saved, attrs);
      return { x: () => tf.engine().runKernel(LACUNA_RELU_GRAD, { dy: dy as Tensor, x }) as Tensor };
    },
  };
  registerGradient(config);
}
