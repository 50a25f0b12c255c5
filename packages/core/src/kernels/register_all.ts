/** Registers Lacuna's training kernels for the wasm backend, replacing stock ones. Idempotent. */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput.js';
import { registerDilatedConv2DGradient } from './Conv2D_grad.js';
import { registerAvgPoolGradient } from './AvgPool_grad.js';
import { maxPoolGradConfig } from './MaxPoolGrad.js';
import { reduceConfigs } from './Reduce.js';
import { batchMatMulConfig } from './BatchMatMul.js';

const LACUNA_WASM_KERNELS: KernelConfig[] = [conv2DBackpropFilterConfig, conv2DBackpropInputConfig, maxPoolGradConfig];
const kernelNames: string[] = LACUNA_WASM_KERNELS.map((k) => k.kernelName);

let registered = false;
export function registerLacunaWasmKernels(): void {
  if (registered) return;
  registered = true;
  registerDilatedConv2DGradient();
  registerAvgPoolGradient();
  for (const config of [...LACUNA_WASM_KERNELS, ...reduceConfigs(), batchMatMulConfig()]) {
    if (getKernel(config.kernelName, config.backendName)) unregisterKernel(config.kernelName, config.backendName);
    registerKernel(config);
  }
}

/** Names of the kernels Lacuna provides for wasm. */
export const lacunaWasmKernelNames = (): string[] => [...kernelNames, 'Sum', 'Mean', 'BatchMatMul'];
