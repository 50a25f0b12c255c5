/**
 * Backend selection: `@tensorflow/tfjs-node` (or `-gpu`) when installed, else the wasm backend
 * with Lacuna's training kernels (threaded SIMD under Node), else the pure-JS cpu backend.
 * On the wasm backend under Node, the heavy kernels (convolutions and their gradients, matrix
 * products) run on the native engine (ONNX Runtime from the optional `onnxruntime-node`) when
 * it is installed.
 *
 * What differs between Node and a browser (threads, the wasm loader, tfjs-node, the native
 * engine) is a `BackendPlatform`: the browser one is here, the Node one (node_platform.ts) is
 * installed by the package's Node entry, so this file bundles for browsers.
 *
 * Environment (Node): LACUNA_BACKEND=auto|tensorflow|wasm|cpu, LACUNA_THREADS=N, LACUNA_NATIVE=0.
 */
import * as tf from '@tensorflow/tfjs-core';
// The union package registers every op's gradient (tfjs-core alone registers none).
import '../tfjs_registrations.js';
import '@tensorflow/tfjs-backend-cpu';
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';
import { lookUpOption } from '../check.js';
import type { NativeEngine, NativeEngineInfo } from '../native/ort_engine.js';
import { LacunaError } from '../errors.js';
import { registerLacunaWasmKernels, registerWasmKernels } from '../kernels/register_all.js';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;

export interface BackendOptions {
  /** Which backend to use. Default 'auto' (or LACUNA_BACKEND). */
  readonly backend?: 'auto' | BackendName;
  /** Threads for the wasm backend and the native engine. Default: all cores (or LACUNA_THREADS). */
  readonly threads?: number;
  /**
   * Run the heavy wasm kernels on the native engine when it is installed. Default true
   * (false with LACUNA_NATIVE=0). Fixed by the first `initBackend` of a process.
   */
  readonly native?: boolean;
  /**
   * Browsers: where the tfjs wasm binaries are served (a URL prefix ending in '/', as
   * tfjs-backend-wasm's setWasmPaths takes). Default: next to the page's script.
   */
  readonly wasmPaths?: string;
}

/** What initBackend needs from the platform it runs on. */
export interface BackendPlatform {
  readonly name: 'node' | 'browser';
  readonly runtimeVersion: string;
  env(): Readonly<Record<string, string | undefined>>;
  defaultThreads(): Promise<number>;
  /** Loads tfjs-node when installed and makes it the backend; notes why not otherwise. */
  tryTensorflow(notes: string[]): Promise<boolean>;
  /** Makes the wasm backend available with `threads` threads. */
  registerWasm(threads: number, options: BackendOptions): Promise<void>;
  /** The native engine for the heavy wasm kernels, or why there is none. */
  loadNativeEngine(threads: number): Promise<{ engine: NativeEngine } | { engine: null; reason: string }>;
}

const browserPlatform: BackendPlatform = {
  name: 'browser',
  runtimeVersion: 'n/a',
  env: () => ({}),
  // The threaded wasm build needs SharedArrayBuffer, which browsers give only to
  // cross-origin isolated pages (COOP/COEP headers); without it, one thread.
  defaultThreads: async () => (globalThis.crossOriginIsolated ? Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1) : 1),
  tryTensorflow: async () => false,
  registerWasm: async (threads, options) => {
    if (options.wasmPaths) wasmBackend.setWasmPaths(options.wasmPaths);
    wasmBackend.setThreadsCount(globalThis.crossOriginIsolated ? threads : 1);
  },
  loadNativeEngine: async () => ({ engine: null, reason: 'no native engine in a browser' }),
};

let platform: BackendPlatform = browserPlatform;

/** Installs the platform initBackend runs on (the Node entry installs Node's). */
export function installBackendPlatform(p: BackendPlatform): void {
  platform = p;
}

/** The kernel engine doing the heavy work: what a checkpoint records to know a resume is bit-exact. */
export type EngineName = 'native' | 'wasm' | 'tensorflow' | 'cpu';

export interface BackendInfo {
  readonly backend: BackendName;
  readonly threads: number;
  readonly simd: boolean;
  /** Whether Lacuna's own training kernels are registered on this backend. */
  readonly lacunaKernels: boolean;
  /** 'native' when the wasm backend's heavy kernels run on ONNX Runtime, else the backend. */
  readonly engine: EngineName;
  /** The native engine, when in use: its name, version and threads. */
  readonly native: NativeEngineInfo | null;
  readonly versions: Record<string, string>;
  /** Why a preferred backend was not used, if it was not. */
  readonly notes: string[];
}

// The cpu backend prints a "install tfjs-node" banner on first use; Lacuna says what it
// chose in `lacuna info` instead.
{
  const registry = (tf.engine() as unknown as { registryFactory: Record<string, { factory: () => unknown }> }).registryFactory;
  const cpu = registry['cpu'];
  if (cpu) {
    const make = cpu.factory;
    cpu.factory = () => {
      const b = make() as { firstUse?: boolean };
      b.firstUse = false;
      return b;
    };
  }
}

const isNode = typeof process !== 'undefined' && process.versions?.node != null;
let current: BackendInfo | null = null;
// Kernel registrations are global, so the native choice is made once per process.
let nativeChoice: { info: NativeEngineInfo | null; note: string | null } | null = null;
let nativeEngine: NativeEngine | null = null;

/** The native engine in use, if any (for profiling). */
export function activeNativeEngine(): NativeEngine | null {
  return nativeEngine;
}

async function setUpNative(threads: number, wanted: boolean): Promise<{ info: NativeEngineInfo | null; note: string | null }> {
  if (nativeChoice) return nativeChoice;
  if (!wanted || platform.name !== 'node') {
    nativeChoice = { info: null, note: wanted ? null : 'native engine off (native: false)' };
    registerWasmKernels(null);
    return nativeChoice;
  }
  const loaded = await platform.loadNativeEngine(threads);
  registerWasmKernels(loaded.engine);
  nativeEngine = loaded.engine;
  nativeChoice = loaded.engine ? { info: loaded.engine.info, note: null } : { info: null, note: `native engine off: ${loaded.reason}` };
  return nativeChoice;
}
let wasmThreads = 1;

/**
 * Initialises the tensor backend once per process and returns what was chosen.
 * Safe to call again: later calls return the first result unless options differ.
 */
export async function initBackend(options: BackendOptions = {}): Promise<BackendInfo> {
  if (isNode && platform.name !== 'node') {
    throw new LacunaError("initBackend: running under Node with the browser build of @lacuna/core; import '@lacuna/core' (Node picks its Node entry) or '@lacuna/core/node'");
  }
  const env = platform.env();
  const want = lookUpOption(options.backend ?? env['LACUNA_BACKEND'] ?? 'auto', BACKEND_CHOICES, 'backend');
  const threads = options.threads ?? (env['LACUNA_THREADS'] ? Number(env['LACUNA_THREADS']) : await platform.defaultThreads());
  if (!Number.isInteger(threads) || threads < 1) {
    throw new LacunaError(`initBackend: threads must be a positive integer, got ${threads}`);
  }
  if (current && (want === 'auto' || want === current.backend) && (current.backend !== 'wasm' || threads === current.threads)) {
    return current;
  }
  const notes: string[] = [];
  let chosen: BackendName | null = null;

  if (want === 'tensorflow' || want === 'auto') {
    if (await platform.tryTensorflow(notes)) chosen = 'tensorflow';
    else if (want === 'tensorflow') throw new LacunaError('initBackend: @tensorflow/tfjs-node is not installed or failed to load');
  }
  if (!chosen && (want === 'wasm' || want === 'auto')) {
    try {
      await platform.registerWasm(threads, options);
      registerLacunaWasmKernels();
      const native = await setUpNative(threads, options.native ?? true);
      if (native.note) notes.push(native.note);
      if (await tf.setBackend('wasm')) {
        chosen = 'wasm';
        wasmThreads = wasmBackend.getThreadsCount();
      }
    } catch (e) {
      notes.push(`wasm backend failed: ${(e as Error).message}`);
      if (want === 'wasm') throw new LacunaError(`initBackend: wasm backend failed: ${(e as Error).message}`);
    }
  }
  if (!chosen) {
    await tf.setBackend('cpu');
    chosen = 'cpu';
  }
  await tf.ready();
  current = {
    backend: chosen,
    threads: chosen === 'wasm' ? wasmThreads : chosen === 'cpu' ? 1 : threads,
    simd: chosen === 'wasm' ? Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) : false,
    lacunaKernels: chosen === 'wasm',
    engine: chosen === 'wasm' && nativeChoice?.info ? 'native' : chosen,
    native: chosen === 'wasm' ? (nativeChoice?.info ?? null) : null,
    versions: {
      'tfjs-core': tf.version_core,
      'tfjs-backend-wasm': wasmBackend.version_wasm,
      ...(chosen === 'wasm' && nativeChoice?.info ? { onnxruntime: nativeChoice.info.version } : {}),
      node: platform.runtimeVersion,
    },
    notes,
  };
  return current;
}

/** The result of the last `initBackend`, or null before it. */
export function backendInfo(): BackendInfo | null {
  return current;
}
