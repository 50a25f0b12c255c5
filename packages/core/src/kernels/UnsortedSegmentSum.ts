/**
 * UnsortedSegmentSum for the wasm backend, which has none: tf.gather's gradient needs it (the
 * rows of dy are added into the rows they were gathered from). A plain loop over heap views.
 */
import { UnsortedSegmentSum, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo, UnsortedSegmentSumAttrs } from '@tensorflow/tfjs-core';
import { ptr, wasmMemory, type WasmBackendLike } from './wasm_module.js';

export function unsortedSegmentSumWasm(args: { inputs: { x: TensorInfo; segmentIds: TensorInfo }; backend: WasmBackendLike; attrs: UnsortedSegmentSumAttrs }): TensorInfo {
  const { backend, attrs } = args;
  const { x, segmentIds } = args.inputs;
  if (x.dtype !== 'float32' || segmentIds.dtype !== 'int32') throw new Error(`UnsortedSegmentSum (wasm): float32 data and int32 ids only, got ${x.dtype} and ${segmentIds.dtype}`);
  const rows = util.sizeFromShape(segmentIds.shape);
  const inner = util.sizeFromShape(x.shape) / Math.max(1, rows);
  const outShape = [attrs.numSegments, ...x.shape.slice(segmentIds.shape.length)];
  const out = backend.makeOutput(outShape, 'float32');
  const n = util.sizeFromShape(outShape);
  // Views after makeOutput: allocating may grow (and so detach) the heap.
  const heap = wasmMemory(backend).buffer;
  const dst = new Float32Array(heap, ptr(backend, out), n).fill(0);
  const src = new Float32Array(heap, ptr(backend, x), rows * inner);
  const ids = new Int32Array(heap, ptr(backend, segmentIds), rows);
  for (let r = 0; r < rows; r++) {
    const s = ids[r]!;
    if (s < 0 || s >= attrs.numSegments) continue; // TF drops out-of-range ids
    const o = s * inner, i = r * inner;
    for (let k = 0; k < inner; k++) dst[o + k] += src[i + k]!;
  }
  return out;
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSumWasm as unknown as KernelFunc,
};
