/**
 * tfjs kernels for the wasm backend that run on the native engine: Conv2D, FusedConv2D,
 * Conv2DBackpropInput (also conv2dTranspose), Conv2DBackpropFilter, BatchMatMul and
 * _FusedMatMul. Tensors stay in the wasm heap; the engine reads and writes them there.
 *
 * Each kernel falls back to the kernel it replaced (stock or Lacuna's wasm one) for work too
 * small to repay a native call (under `minFlops`), non-float32 data, NCHW, or geometry ONNX
 * cannot express.
 */
import { BatchMatMul, Conv2D, Conv2DBackpropFilter, Conv2DBackpropInput, FusedConv2D, _FusedMatMul, getKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { convGeometry, type ConvGeometry } from '../kernels/Conv2DBackpropFilter.js';
import { heapF32, type WasmBackendLike } from '../kernels/wasm_module.js';
import { conv2dBackpropFilterGraph, conv2dBackpropInputGraph, conv2dGraph, isPointwise, matMulGraph, pointwiseConvGraph, type Epilogue } from './graphs.js';
import type { NativeEngine } from './ort_engine.js';
import type { OnnxGraph } from './onnx_model.js';

type Args = { inputs: Record<string, TensorInfo | undefined>; backend: WasmBackendLike; attrs: NamedAttrMap };
type Shape4 = [number, number, number, number];

/**
 * Work below `minFlops` floating-point operations stays on wasm, where a call costs less than
 * the native call's fixed overhead. Mutable so tests can send every size through the engine.
 */
export const nativeKernelSettings = { minFlops: 2e6 };

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const key = (name: string, parts: Record<string, unknown>) => `${name}|${JSON.stringify(parts)}`;

function geometryKey(g: ConvGeometry): string {
  return [g.B, g.H, g.W, g.Ci, g.Co, g.KH, g.KW, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl, g.pb, g.pr, g.OH, g.OW].join(',');
}

function epilogueOf(attrs: NamedAttrMap, bias: TensorInfo | undefined, prelu: TensorInfo | undefined): Epilogue {
  return {
    activation: (attrs['activation'] as Epilogue['activation'] | undefined) ?? 'linear',
    leakyreluAlpha: attrs['leakyreluAlpha'] as number | undefined,
    biasShape: bias?.shape,
    preluShape: prelu?.shape,
  };
}

const geometryOf = (xShape: Shape4, filterShape: Shape4, attrs: NamedAttrMap): ConvGeometry =>
  convGeometry(xShape, filterShape, attrs['strides'] as number | [number, number], attrs['pad'] as never, attrs['dimRoundingMode'] as never, (attrs['dilations'] as number | [number, number] | undefined) ?? 1);
const flopsOf = (g: ConvGeometry) => 2 * g.B * g.OH * g.OW * g.KH * g.KW * g.Ci * g.Co;

const allFloat32 = (ts: (TensorInfo | undefined)[]) => ts.every((t) => !t || t.dtype === 'float32');

/**
 * Kernel configs that route to `engine`, each falling back to whatever is registered for
 * its name on wasm now (call after the wasm kernels are registered).
 */
export function nativeKernelConfigs(engine: NativeEngine): KernelConfig[] {
  const make = (name: string, native: (args: Args) => TensorInfo | null): KernelConfig => {
    const fallback = getKernel(name, 'wasm');
    const kernelFunc = (args: Args): TensorInfo => {
      const out = native(args);
      if (out) return out;
      if (!fallback) throw new Error(`${name} (native): no wasm kernel to fall back to for this case`);
      return fallback.kernelFunc(args as never) as TensorInfo;
    };
    return { kernelName: name, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc, ...(fallback?.setupFunc ? { setupFunc: fallback.setupFunc } : {}) };
  };

  const conv = (args: Args): TensorInfo | null => {
    const { backend, attrs } = args;
    const x = args.inputs['x']!;
    const filter = args.inputs['filter']!;
    const bias = args.inputs['bias'];
    const prelu = args.inputs['preluActivationWeights'];
    if (attrs['dataFormat'] === 'NCHW' || !allFloat32([x, filter, bias, prelu])) return null;
    const g = geometryOf(x.shape as Shape4, filter.shape as Shape4, attrs);
    if (flopsOf(g) < nativeKernelSettings.minFlops) return null;
    const e = epilogueOf(attrs, bias, prelu);
    const pointwise = isPointwise(g);
    const biasPerChannel = bias !== undefined && size(bias.shape) === g.Co && !pointwise;
    const out = backend.makeOutput([g.B, g.OH, g.OW, g.Co], 'float32');
    const inputs: Record<string, [Float32Array, readonly number[]]> = { x: [heapF32(backend, x), x.shape], w: [heapF32(backend, filter), filter.shape] };
    if (bias) inputs[biasPerChannel ? 'convBias' : 'bias'] = [heapF32(backend, bias), biasPerChannel ? [g.Co] : bias.shape];
    if (prelu && e.activation === 'prelu') inputs['prelu'] = [heapF32(backend, prelu), prelu.shape];
    const k = key('conv', { g: geometryKey(g), e, biasPerChannel, pointwise });
    engine.run(k, () => (pointwise ? pointwiseConvGraph(g, e) : conv2dGraph(g, e, biasPerChannel)), inputs, { y: [heapF32(backend, out), out.shape] });
    return out;
  };

  /** The geometry of a convolution gradient, or null when it should stay on wasm. */
  const gradientGeometry = (attrs: NamedAttrMap, xShape: Shape4, filterShape: Shape4, dy: TensorInfo, other: TensorInfo): ConvGeometry | null => {
    if (attrs['dataFormat'] === 'NCHW' || !allFloat32([dy, other])) return null;
    const g = geometryOf(xShape, filterShape, attrs);
    if (g.OH !== dy.shape[1] || g.OW !== dy.shape[2]) return null;
    return flopsOf(g) < nativeKernelSettings.minFlops ? null : g;
  };
  // Input-gradient graphs by geometry; null where ONNX cannot express the geometry.
  const inputGradientGraphs = new Map<string, OnnxGraph | null>();

  const backpropInput = (args: Args): TensorInfo | null => {
    const { backend } = args;
    const dy = args.inputs['dy']!;
    const filter = args.inputs['filter']!;
    const inputShape = args.attrs['inputShape'] as Shape4;
    const g = gradientGeometry(args.attrs, inputShape, filter.shape as Shape4, dy, filter);
    if (!g) return null;
    const k = key('dx', { g: geometryKey(g) });
    if (!inputGradientGraphs.has(k)) inputGradientGraphs.set(k, conv2dBackpropInputGraph(g));
    const graph = inputGradientGraphs.get(k);
    if (!graph) return null;
    const out = backend.makeOutput([...inputShape], 'float32');
    engine.run(k, () => graph, { dy: [heapF32(backend, dy), dy.shape], w: [heapF32(backend, filter), filter.shape] }, { dx: [heapF32(backend, out), out.shape] });
    return out;
  };

  const backpropFilter = (args: Args): TensorInfo | null => {
    const { backend } = args;
    const x = args.inputs['x']!;
    const dy = args.inputs['dy']!;
    const filterShape = args.attrs['filterShape'] as Shape4;
    const g = gradientGeometry(args.attrs, x.shape as Shape4, filterShape, dy, x);
    if (!g) return null;
    const out = backend.makeOutput([...filterShape], 'float32');
    engine.run(key('dw', { g: geometryKey(g) }), () => conv2dBackpropFilterGraph(g), { x: [heapF32(backend, x), x.shape], dy: [heapF32(backend, dy), dy.shape] }, { dw: [heapF32(backend, out), out.shape] });
    return out;
  };

  const matMul = (args: Args): TensorInfo | null => {
    const { backend, attrs } = args;
    const a = args.inputs['a']!;
    const b = args.inputs['b']!;
    const bias = args.inputs['bias'];
    const prelu = args.inputs['preluActivationWeights'];
    if (!allFloat32([a, b, bias, prelu]) || a.shape.length !== 3 || b.shape.length !== 3) return null;
    const transposeA = Boolean(attrs['transposeA']);
    const transposeB = Boolean(attrs['transposeB']);
    const [ba, a1, a2] = a.shape as [number, number, number];
    const [bb, b1, b2] = b.shape as [number, number, number];
    if (ba !== bb && ba !== 1 && bb !== 1) return null;
    const M = transposeA ? a2 : a1;
    const K = transposeA ? a1 : a2;
    const N = transposeB ? b1 : b2;
    const batch = Math.max(ba, bb);
    if (2 * batch * M * N * K < nativeKernelSettings.minFlops) return null;
    const e = epilogueOf(attrs, bias, prelu);
    const out = backend.makeOutput([batch, M, N], 'float32');
    const inputs: Record<string, [Float32Array, readonly number[]]> = { a: [heapF32(backend, a), a.shape], b: [heapF32(backend, b), b.shape] };
    if (bias) inputs['bias'] = [heapF32(backend, bias), bias.shape];
    if (prelu && e.activation === 'prelu') inputs['prelu'] = [heapF32(backend, prelu), prelu.shape];
    const k = key('matmul', { a: a.shape, b: b.shape, transposeA, transposeB, e });
    engine.run(k, () => matMulGraph(a.shape, b.shape, transposeA, transposeB, e), inputs, { c: [heapF32(backend, out), out.shape] });
    return out;
  };

  return [
    make(Conv2D, conv),
    make(FusedConv2D, conv),
    make(Conv2DBackpropInput, backpropInput),
    make(Conv2DBackpropFilter, backpropFilter),
    make(BatchMatMul, matMul),
    make(_FusedMatMul, matMul),
  ];
}
