/**
 * The native CPU engine: ONNX Runtime (npm `onnxruntime-node`, MLAS kernels with AVX2 /
 * AVX-512 FMA) running one small ONNX graph per kernel configuration, built once and cached.
 *
 * Node-only and optional: `loadNativeEngine` imports the package dynamically and returns null
 * (with the reason) when it is absent, fails to load, fails its self-test, or LACUNA_NATIVE=0.
 *
 * Runs are synchronous (tfjs kernels must return synchronously), so this uses the package's
 * native binding directly: its `run` is synchronous, the public `InferenceSession.run` only
 * wraps it in a promise. Inputs and outputs are views of the wasm heap; when that heap is a
 * SharedArrayBuffer (threaded wasm), which the binding rejects, they are staged through one
 * reusable plain buffer (a copy costs about 1 ms per 16 MB, a few percent of a convolution).
 */
import { createRequire } from 'node:module';
import { encodeOnnxModel, type OnnxGraph } from './onnx_model.js';

/** The onnxruntime-node version this engine is written and tested against. */
export const ORT_VERSION = '1.31.1';

interface OrtTensor {
  readonly dims: readonly number[];
}
type OrtTensorConstructor = new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
interface BindingSession {
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: Record<string, unknown>): unknown;
  run(feeds: Record<string, OrtTensor>, fetches: Record<string, OrtTensor | null>, options: Record<string, unknown>): Record<string, OrtTensor>;
  dispose(): void;
}
interface OrtModules {
  Tensor: OrtTensorConstructor;
  version: string;
  binding: { InferenceSession: new () => BindingSession };
  initOrt(): void;
}

export interface NativeEngineInfo {
  readonly name: 'onnxruntime';
  readonly version: string;
  readonly threads: number;
}

export class NativeEngine {
  readonly info: NativeEngineInfo;
  private readonly sessions = new Map<string, BindingSession>();
  private stage = new ArrayBuffer(0);
  /** Runs and milliseconds per graph key (copies included), for profiling and tests. */
  readonly stats = new Map<string, { runs: number; ms: number }>();

  constructor(
    private readonly ort: OrtModules,
    threads: number,
  ) {
    this.info = { name: 'onnxruntime', version: ort.version, threads };
  }

  private session(key: string, build: () => OnnxGraph): BindingSession {
    let s = this.sessions.get(key);
    if (s) return s;
    const bytes = encodeOnnxModel(build());
    s = new this.ort.binding.InferenceSession();
    // Synchronous for sessions without JavaScript callbacks; the returned promise is already settled.
    s.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, {
      intraOpNumThreads: this.info.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
      // Per-session arenas and memory patterns keep each session's peak allocated: with the ~60
      // sessions of a U-Net step that was 1.5 GB more than the wasm path (3.9 vs 2.4 GB), for a
      // 3-5 % faster step. Off: memory as on wasm.
      enableCpuMemArena: false,
      enableMemPattern: false,
      // Spinning pool threads would compete with the wasm backend's own threads between kernels.
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    });
    this.sessions.set(key, s);
    return s;
  }

  /**
   * Runs the graph `key` (built by `build` the first time) on `inputs`, writing each output
   * into the given array (which must have the output's exact size).
   */
  run(key: string, build: () => OnnxGraph, inputs: Record<string, [Float32Array, readonly number[]]>, outputs: Record<string, [Float32Array, readonly number[]]>): void {
    const s = this.session(key, build);
    const t0 = performance.now();
    const all = [...Object.values(inputs), ...Object.values(outputs)];
    const shared = all.some(([a]) => !(a.buffer instanceof ArrayBuffer));
    let offset = 0;
    const place = (a: Float32Array): Float32Array => {
      if (!shared) return a;
      const v = new Float32Array(this.stage, offset, a.length);
      offset += a.byteLength + ((64 - (a.byteLength % 64)) % 64);
      return v;
    };
    if (shared) {
      const need = all.reduce((n, [a]) => n + a.byteLength + 64, 0);
      if (this.stage.byteLength < need) this.stage = new ArrayBuffer(Math.ceil(need * 1.25));
    }
    const feeds: Record<string, OrtTensor> = {};
    for (const [name, [a, dims]] of Object.entries(inputs)) {
      const v = place(a);
      if (v !== a) v.set(a);
      feeds[name] = new this.ort.Tensor('float32', v, dims);
    }
    const fetches: Record<string, OrtTensor> = {};
    const staged: [Float32Array, Float32Array][] = [];
    for (const [name, [a, dims]] of Object.entries(outputs)) {
      const v = place(a);
      if (v !== a) staged.push([v, a]);
      fetches[name] = new this.ort.Tensor('float32', v, dims);
    }
    try {
      s.run(feeds, fetches, {});
    } catch (e) {
      throw new Error(`native engine (onnxruntime ${this.info.version}): ${key} failed: ${(e as Error).message} (LACUNA_NATIVE=0 runs the wasm kernels instead)`);
    }
    for (const [from, to] of staged) to.set(from);
    const st = this.stats.get(key) ?? { runs: 0, ms: 0 };
    st.runs++;
    st.ms += performance.now() - t0;
    this.stats.set(key, st);
  }

  /** Number of cached sessions (one per kernel configuration). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  dispose(): void {
    for (const s of this.sessions.values()) s.dispose();
    this.sessions.clear();
  }
}

const isNode = typeof process !== 'undefined' && process.versions?.node != null;

/** Why the native engine is off, or null when it may be tried. */
export function nativeDisabledReason(): string | null {
  if (!isNode) return 'not on Node.js';
  const v = process.env['LACUNA_NATIVE'];
  if (v === '0' || v === 'false' || v === 'off') return `LACUNA_NATIVE=${v}`;
  return null;
}

/**
 * Loads onnxruntime-node and checks it on a 2x2 matrix product. Returns the engine, or the
 * reason it is unavailable.
 */
export async function loadNativeEngine(threads: number, packageName = 'onnxruntime-node'): Promise<{ engine: NativeEngine } | { engine: null; reason: string }> {
  const off = nativeDisabledReason();
  if (off) return { engine: null, reason: off };
  let ort: OrtModules;
  try {
    const require = createRequire(import.meta.url);
    const api = require(packageName) as { Tensor: OrtTensorConstructor; env: { versions: { node?: string; common?: string }; logLevel?: string } };
    const bindingModule = require(`${packageName}/dist/binding.js`) as { binding: OrtModules['binding']; initOrt(): void };
    api.env.logLevel = 'error';
    ort = { Tensor: api.Tensor, binding: bindingModule.binding, initOrt: bindingModule.initOrt, version: api.env.versions.node ?? api.env.versions.common ?? 'unknown' };
    ort.initOrt();
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') return { engine: null, reason: `${packageName} is not installed` };
    return { engine: null, reason: `${packageName} failed to load: ${(e as Error).message.split('\n')[0]}` };
  }
  const engine = new NativeEngine(ort, threads);
  try {
    const out = new Float32Array(4);
    engine.run(
      'selftest',
      () => ({ nodes: [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['c'] }], inputs: { a: [2, 2], b: [2, 2] }, outputs: { c: [2, 2] } }),
      { a: [Float32Array.of(1, 2, 3, 4), [2, 2]], b: [Float32Array.of(5, 6, 7, 8), [2, 2]] },
      { c: [out, [2, 2]] },
    );
    if (out.join() !== '19,22,43,50') throw new Error(`2x2 product gave ${out.join()}`);
  } catch (e) {
    engine.dispose();
    return { engine: null, reason: `onnxruntime-node ${ort.version} failed its self-test: ${(e as Error).message.split('\n')[0]}` };
  }
  return { engine };
}
