/**
 * The Node.js side of backend selection: thread count from the OS, tfjs-node when installed,
 * the threaded SIMD wasm build with Node workers (wasm_node.ts), and the optional native engine.
 */
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';
import { loadNativeEngine } from '../native/ort_engine.js';
import type { BackendPlatform } from './select.js';
import { instantiateThreadedWasmForNode } from './wasm_node.js';

async function tryTensorflow(notes: string[]): Promise<boolean> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(pkg);
      if (await tf.setBackend('tensorflow')) return true;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') {
        notes.push(`${pkg} is installed but failed to load: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }
  return false;
}

async function registerWasm(threads: number): Promise<void> {
  wasmBackend.setThreadsCount(threads);
  if (threads < 2) return;
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      const module = await instantiateThreadedWasmForNode();
      const backend = new wasmBackend.BackendWasm(module as never);
      // Pool threads sleep in Atomics.wait between kernels; they must not hold the process open.
      const pt = (module as { PThread?: { runningWorkers: { unref(): void }[]; unusedWorkers: { unref(): void }[] } }).PThread;
      for (const w of [...(pt?.runningWorkers ?? []), ...(pt?.unusedWorkers ?? [])]) w.unref();
      return backend;
    },
    3,
  );
}

export const nodeBackendPlatform: BackendPlatform = {
  name: 'node',
  runtimeVersion: process.versions.node,
  env: () => process.env,
  defaultThreads: async () => Math.max(1, os.availableParallelism?.() ?? os.cpus().length),
  tryTensorflow,
  registerWasm,
  loadNativeEngine,
};
