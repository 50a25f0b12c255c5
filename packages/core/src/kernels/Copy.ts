/**
 * Slice, SplitV and Concat for the wasm backend as strided block copies in wasm (copy_2d).
 * The stock kernels copy an inner-axis slice or concatenation from JavaScript one row at a
 * time (a typed-array view per row): a U-Net's skip concatenation and its gradient (a split
 * along channels) moved about 0.7 GB/s that way.
 *
 * Handled: 4-byte dtypes, and slices whose axes before the sliced inner block are whole (the
 * common channel split); anything else goes to the stock kernel.
 */
import { Concat, getKernel, Slice, SplitV, backend_util, slice_util, util } from '@tensorflow/tfjs-core';
import type { ConcatAttrs, KernelConfig, KernelFunc, SliceAttrs, SplitVAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { lacunaKernels, ptr, type WasmBackendLike } from './wasm_module.js';

const FOUR_BYTE = new Set(['float32', 'int32']);

/**
 * Copies x[begin : begin + size] into a new tensor when it is `rows` blocks of `cols`
 * contiguous elements; null when the slice has another layout.
 */
function sliceAsBlocks(backend: WasmBackendLike, x: TensorInfo, begin: number[], size: number[]): TensorInfo | null {
  if (!FOUR_BYTE.has(x.dtype)) return null;
  const shape = x.shape;
  // k: the outermost axis from which the slice is not the whole extent.
  let k = 0;
  while (k < shape.length && begin[k] === 0 && size[k] === shape[k]) k++;
  if (k === shape.length) return null; // the whole tensor: the stock kernel's contiguous path
  // Axes after k must be whole, so each row is one contiguous run.
  for (let i = k + 1; i < shape.length; i++) if (begin[i] !== 0 || size[i] !== shape[i]) return null;
  const inner = util.sizeFromShape(shape.slice(k + 1));
  const rows = util.sizeFromShape(shape.slice(0, k));
  const out = backend.makeOutput(size, x.dtype);
  if (util.sizeFromShape(size) === 0) return out;
  lacunaKernels(backend).copy_2d(ptr(backend, x) + 4 * begin[k]! * inner, shape[k]! * inner, ptr(backend, out), size[k]! * inner, rows, size[k]! * inner);
  return out;
}

type Args<A> = { inputs: Record<string, TensorInfo>; backend: WasmBackendLike; attrs: A };

export function copyKernelConfigs(): KernelConfig[] {
  const stockSlice = getKernel(Slice, 'wasm');
  const stockSplit = getKernel(SplitV, 'wasm');
  const stockConcat = getKernel(Concat, 'wasm');
  const configs: KernelConfig[] = [];

  const slice = (args: Args<SliceAttrs>): TensorInfo => {
    const x = args.inputs['x']!;
    const [begin, size] = slice_util.parseSliceParams(x, args.attrs.begin, args.attrs.size);
    return sliceAsBlocks(args.backend, x, begin, size) ?? (stockSlice!.kernelFunc(args as never) as TensorInfo);
  };
  if (stockSlice) configs.push({ kernelName: Slice, backendName: 'wasm', kernelFunc: slice as unknown as KernelFunc });

  if (stockSplit) {
    const splitV = (args: Args<SplitVAttrs>): TensorInfo[] => {
      const x = args.inputs['x']!;
      const axis = util.parseAxisParam(args.attrs.axis, x.shape)[0]!;
      const sizes = backend_util.prepareSplitSize(x, args.attrs.numOrSizeSplits, axis);
      const begin = new Array<number>(x.shape.length).fill(0);
      const size = x.shape.slice();
      return sizes.map((s) => {
        size[axis] = s;
        const piece = slice({ inputs: { x }, backend: args.backend, attrs: { begin: begin.slice(), size: size.slice() } });
        begin[axis]! += s;
        return piece;
      });
    };
    configs.push({ kernelName: SplitV, backendName: 'wasm', kernelFunc: splitV as unknown as KernelFunc });
  }

  if (stockConcat) {
    const concat = (args: { inputs: TensorInfo[]; backend: WasmBackendLike; attrs: ConcatAttrs }): TensorInfo => {
      const inputs = args.inputs.filter((t) => util.sizeFromShape(t.shape) > 0);
      if (inputs.length < 2 || !inputs.every((t) => t.dtype === inputs[0]!.dtype && FOUR_BYTE.has(t.dtype))) return stockConcat.kernelFunc(args as never) as TensorInfo;
      const axis = util.parseAxisParam(args.attrs.axis, inputs[0]!.shape)[0]!;
      backend_util.assertParamsConsistent(inputs.map((t) => t.shape), axis);
      const outShape = backend_util.computeOutShape(inputs.map((t) => t.shape), axis);
      const out = args.backend.makeOutput(outShape, inputs[0]!.dtype);
      const rows = util.sizeFromShape(outShape.slice(0, axis));
      const outInner = util.sizeFromShape(outShape.slice(axis));
      const k = lacunaKernels(args.backend);
      let offset = 0;
      for (const t of inputs) {
        const inner = util.sizeFromShape(t.shape.slice(axis));
        k.copy_2d(ptr(args.backend, t), inner, ptr(args.backend, out) + 4 * offset, outInner, rows, inner);
        offset += inner;
      }
      return out;
    };
    configs.push({ kernelName: Concat, backendName: 'wasm', kernelFunc: concat as unknown as KernelFunc });
  }
  return configs;
}
