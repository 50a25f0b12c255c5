/**
 * Node.js initialisation of the threaded SIMD build of @tensorflow/tfjs-backend-wasm.
 *
 * The stock initialiser hands Node's `worker_threads.Worker` a `blob:` URL for the pthread
 * worker script and posts the main script as a Blob; Node accepts neither, so
 * `setThreadsCount(n > 1)` fails with ERR_WORKER_PATH and the backend silently falls back.
 * Here we write the worker script to a cache file once, point the workers at the real main
 * script file, and build the same `BackendWasm` the package would.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  PThread?: { unusedWorkers: { unref(): void }[]; runningWorkers: { unref(): void }[]; terminateAllThreads(): void };
  tfjs?: unknown;
  [key: string]: unknown;
}

type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

function wasmOutDir(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js'));
}

/** Writes the pthread worker script to a content-addressed file and returns its path. */
function workerScriptPath(): string {
  const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as {
    wasmWorkerContents: string;
  };
  // The template literal turned the script's '\n' escapes into real newlines; undo that,
  // as the stock initialiser does before making its Blob.
  const script = wasmWorkerContents.replace(/\n/g, '\\n');
  const hash = createHash('sha256').update(script).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), 'lacuna-wasm');
  const file = path.join(dir, `tfjs-wasm-worker-${hash}.cjs`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, script);
    fs.renameSync(tmp, file);
  }
  return file;
}

/**
 * Instantiates the threaded SIMD wasm module under Node, with workers that do not keep the
 * process alive. Returns the Emscripten module with the `tfjs` bridge BackendWasm expects.
 */
export async function instantiateThreadedWasmForNode(): Promise<EmscriptenModule> {
  const dir = wasmOutDir();
  const mainScript = path.join(dir, 'tfjs-backend-wasm-threaded-simd.js');
  const factory = require(mainScript) as Factory;
  const workerPath = workerScriptPath();
  const wasmFile = path.join(dir, 'tfjs-backend-wasm-threaded-simd.wasm');
  const module = await factory({
    locateFile: (p: string) => (p.endsWith('.worker.js') ? workerPath : path.join(dir, p)),
    mainScriptUrlOrBlob: mainScript,
    // The C++ side caps the pool at emscripten_num_logical_cores() / 2, assuming two
    // hyper-threads per core; os.cpus() already counts usable cores here, so report twice
    // that and let setThreadsCount() choose within it.
    instantiateWasm(
      imports: { env: Record<string, unknown> },
      receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
    ) {
      imports.env['emscripten_num_logical_cores'] = () => 2 * os.cpus().length;
      WebAssembly.instantiate(fs.readFileSync(wasmFile), imports as WebAssembly.Imports).then(
        (r) => receive(r.instance, r.module),
        (e: unknown) => {
          throw e;
        },
      );
      return {};
    },
  });
  // Idle pthread workers must not keep a CLI process alive after its work is done.
  for (const w of module.PThread?.unusedWorkers ?? []) w.unref();
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  return module;
}
