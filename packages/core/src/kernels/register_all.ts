/** Registers Lacuna's training kernels for the wasm backend, replacing stock ones. Idempotent. */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput.js';
import { registerDilatedConv2DGradient } from './Conv2D_grad.js';
import { registerAvgPoolGradient } from './AvgPool_grad.js';
import { maxPoolGradConfig } from './MaxPoolGrad.js';
import { unsortedSegmentSumConfig } from './UnsortedSegmentSum.js';
import { reduceConfigs } from './Reduce.js';
import { batchMatMulConfig } from './BatchMatMul.js';
import { copyKernelConfigs } from './Copy.js';
import { adamConfig } from './Adam.js';
import { identityKernelConfigs } from './Identity.js';
import { registerReluGradient, reluGradConfig } from './Relu_grad.js';
import type { NativeEngine } from '../native/ort_engine.js';
import { nativeKernelConfigs } from '../native/kernels.js';

const LACUNA_WASM_KERNELS: KernelConfig[] = [conv2DBackpropFilterConfig, conv2DBackpropInputConfig, maxPoolGradConfig, unsortedSegmentSumConfig];
const kernelNames: string[] = LACUNA_WASM_KERNELS.map((k) => k.kernelName);

let registered = false;
export function registerLacunaWasmKernels(): void {
  if (registered) return;
  registered = true;
  registerDilatedConv2DGradient();
  registerAvgPoolGradient();
  registerReluGradient();
  for (const config of [...LACUNA_WASM_KERNELS, ...reduceConfigs(), batchMatMulConfig(), ...copyKernelConfigs(), ...identityKernelConfigs(), reluGradConfig, adamConfig]) replaceKernel(config);
}

function replaceKernel(config: KernelConfig): void {
  if (getKernel(config.kernelName, config.backendName)) unregisterKernel(config.kernelName, config.backendName);
  registerKernel(config);
}

let nativeRegistered = false;
/**
 * Lacuna's wasm kernels, then, when `engine` is given, the native ones on top (each falling
 * back to the wasm kernel it replaces). The native part happens once per process.
 */
export function registerWasmKernels(engine: NativeEngine | null): void {
  registerLacunaWasmKernels();
  if (!engine || nativeRegistered) return;
  nativeRegistered = true;
  for (const config of nativeKernelConfigs(engine)) replaceKernel(config);
}

/** Names of the kernels Lacuna provides for wasm. */
export const lacunaWasmKernelNames = (): string[] => [...kernelNames, 'Sum', 'Mean', 'BatchMatMul', 'Slice', 'SplitV', 'Concat', 'Identity', 'Cast', 'LacunaReluGrad', 'LacunaAdam'];
