/**
 * Loads Lacuna's data-movement kernels (packages/core/wasm/lacuna_kernels.c) into the wasm
 * backend's own linear memory, and small helpers to call the backend's kernels directly.
 */
import type { TensorInfo, DataType, NamedAttrMap, KernelBackend } from '@tensorflow/tfjs-core';
import { getKernel } from '@tensorflow/tfjs-core';
import { LACUNA_KERNELS_PLAIN_WASM, LACUNA_KERNELS_SHARED_WASM } from './lacuna_kernels_wasm.js';
import { WasmThreads } from './wasm_threads.js';

export interface LacunaKernelExports {
  transpose_2d(src: number, dst: number, rows: number, cols: number): void;
  transpose_2d_part(src: number, dst: number, rows: number, cols: number, part: number, parts: number): void;
  im2col_t_part(xT: number, B: number, b0: number, nb: number, H: number, W: number, C: number, KH: number, KW: number,
    sh: number, sw: number, dh: number, dw: number, pt: number, pl: number, OH: number, OW: number, out: number, part: number, parts: number): void;
  im2col(x: number, b0: number, nb: number, H: number, W: number, C: number, KH: number, KW: number,
    sh: number, sw: number, dh: number, dw: number, pt: number, pl: number, OH: number, OW: number, out: number): void;
  col2im_add(col: number, b0: number, nb: number, H: number, W: number, C: number, KH: number, KW: number,
    sh: number, sw: number, dh: number, dw: number, pt: number, pl: number, OH: number, OW: number, dx: number): void;
  fill_zero(dst: number, n: number): void;
  im2col_t(xT: number, B: number, b0: number, nb: number, H: number, W: number, C: number, KH: number, KW: number,
    sh: number, sw: number, dh: number, dw: number, pt: number, pl: number, OH: number, OW: number, out: number): void;
  sum_middle(x: number, outer: number, mid: number, inner: number, out: number): void;
  scale_floats(x: number, n: number, s: number): void;
  adam_update(w: number, m: number, v: number, g: number, wOut: number, mOut: number, vOut: number, n: number,
    b1: number, c1: number, b2: number, c2: number, omab1: number, omab2: number, eps: number, negLr: number): void;
  relu_grad(x: number, dy: number, dx: number, n: number): void;
  copy_2d(src: number, srcStride: number, dst: number, dstStride: number, rows: number, cols: number): void;
  max_pool_grad(x: number, dy: number, B: number, H: number, W: number, C: number, KH: number, KW: number,
    sh: number, sw: number, dh: number, dw: number, pt: number, pl: number, OH: number, OW: number, dx: number): void;
}

/** The parts of tfjs-backend-wasm's BackendWasm that these kernels use. */
export interface WasmBackendLike extends KernelBackend {
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory }; tfjs?: { getThreadsCount?(): number } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  disposeData(dataId: object): boolean;
}

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  if (typeof Buffer !== 'undefined') return Uint8Array.from(Buffer.from(b64, 'base64'));
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const modules = new WeakMap<object, LacunaKernelExports>();
const threadPools = new WeakMap<object, WasmThreads | null>();

/** Our kernels instantiated over `backend`'s memory (once per backend instance). */
export function lacunaKernels(backend: WasmBackendLike): LacunaKernelExports {
  let m = modules.get(backend);
  if (m) return m;
  const memory = wasmMemory(backend);
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const bytes = decodeBase64(shared ? LACUNA_KERNELS_SHARED_WASM : LACUNA_KERNELS_PLAIN_WASM);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  m = instance.exports as unknown as LacunaKernelExports;
  modules.set(backend, m);
  threadPools.set(backend, shared ? WasmThreads.start(m, memory, bytes, backend.wasm.tfjs?.getThreadsCount?.() ?? 1) : null);
  return m;
}

/** Helper threads for the `_part` kernels on `backend` (null: run them on this thread). */
export function lacunaThreads(backend: WasmBackendLike): WasmThreads | null {
  lacunaKernels(backend);
  return threadPools.get(backend) ?? null;
}

/** The backend's linear memory. */
export function wasmMemory(backend: WasmBackendLike): WebAssembly.Memory {
  const memory = backend.wasm.wasmMemory ?? backend.wasm.asm?.memory;
  if (!memory) throw new Error('lacunaKernels: cannot find the wasm backend memory');
  return memory;
}

/** A float32 tensor's data as a view of the wasm heap (valid until the heap next grows). */
export function heapF32(backend: WasmBackendLike, t: TensorInfo): Float32Array {
  const n = t.shape.reduce((a, b) => a * b, 1);
  return new Float32Array(wasmMemory(backend).buffer, ptr(backend, t), n);
}

/** Byte offset of a tensor's data in the wasm heap. */
export function ptr(backend: WasmBackendLike, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}

/** Runs another wasm kernel directly (no tape, no engine bookkeeping). */
export function runWasmKernel(
  backend: WasmBackendLike,
  name: string,
  inputs: Record<string, TensorInfo>,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const k = getKernel(name, 'wasm');
  if (!k) throw new Error(`runWasmKernel: kernel ${name} is not registered for wasm`);
  return k.kernelFunc({ inputs, attrs, backend }) as TensorInfo;
}

/** The same data seen with another shape (no copy; do not dispose it separately). */
export function view(t: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

/** Batches per chunk so that a [chunk * rowsPerBatch, cols] float scratch stays under `maxFloats`. */
export function batchChunk(batch: number, rowsPerBatch: number, cols: number, maxFloats = 48 * 1024 * 1024): number {
  return Math.max(1, Math.min(batch, Math.floor(maxFloats / Math.max(1, rowsPerBatch * cols))));
}
