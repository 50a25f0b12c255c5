/**
 * Threads for Lacuna's own wasm kernels (im2col and transposes), which run outside the
 * backend's pthread pool. Under Node, with the threaded (shared-memory) wasm backend, each
 * helper thread instantiates the same kernel module over the same memory and runs its part
 * of a `_part` kernel; the calling thread runs part 0 and waits for the rest. The module has
 * no static data and no stack, so instances can run side by side.
 *
 * Elsewhere (a browser's main thread may not block, a plain-memory backend cannot be shared),
 * `parallel` runs every part on the calling thread.
 */
import type { LacunaKernelExports } from './wasm_module.js';

type PartKernel = 'im2col_t_part' | 'transpose_2d_part';
const KERNELS: readonly PartKernel[] = ['im2col_t_part', 'transpose_2d_part'];
const MAX_ARGS = 32;
// Control block (int32): [0] epoch, [1] parts finished, [2] kernel index, [3] argument count, [4..] arguments.
const EPOCH = 0;
const DONE = 1;
const KERNEL = 2;
const ARGC = 3;
const ARGS = 4;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { memory, bytes, control, part, parts, kernels } = workerData;
const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
const c = new Int32Array(control);
let seen = 0;
for (;;) {
  Atomics.wait(c, ${EPOCH}, seen);
  seen = Atomics.load(c, ${EPOCH});
  const args = Array.from(c.subarray(${ARGS}, ${ARGS} + c[${ARGC}]));
  exports[kernels[c[${KERNEL}]]](...args, part, parts);
  Atomics.add(c, ${DONE}, 1);
  Atomics.notify(c, ${DONE});
}
`;

export class WasmThreads {
  private readonly control: Int32Array;

  private constructor(
    private readonly kernels: LacunaKernelExports,
    readonly parts: number,
    control: SharedArrayBuffer,
  ) {
    this.control = new Int32Array(control);
  }

  /** Helper threads over `memory`, or null where they cannot run (then `parallel` is serial). */
  static start(kernels: LacunaKernelExports, memory: WebAssembly.Memory, bytes: Uint8Array, threads: number): WasmThreads | null {
    const node = typeof process !== 'undefined' ? process : undefined;
    const getBuiltin = (node as { getBuiltinModule?: (id: string) => unknown } | undefined)?.getBuiltinModule;
    if (threads < 2 || !getBuiltin || !(memory.buffer instanceof SharedArrayBuffer)) return null;
    try {
      const { Worker } = getBuiltin('node:worker_threads') as typeof import('node:worker_threads');
      const control = new SharedArrayBuffer(4 * (ARGS + MAX_ARGS));
      for (let part = 1; part < threads; part++) {
        const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { memory, bytes, control, part, parts: threads, kernels: KERNELS } });
        w.unref(); // an idle helper must not keep the process alive
      }
      return new WasmThreads(kernels, threads, control);
    } catch {
      return null;
    }
  }

  /** Runs `kernel(...args, part, parts)` for every part, part 0 here; returns when all are done. */
  run(kernel: PartKernel, args: number[]): void {
    const c = this.control;
    if (args.length > MAX_ARGS) throw new Error(`WasmThreads: ${args.length} arguments, at most ${MAX_ARGS}`);
    c[KERNEL] = KERNELS.indexOf(kernel);
    c[ARGC] = args.length;
    c.set(args, ARGS);
    Atomics.store(c, DONE, 0);
    Atomics.add(c, EPOCH, 1);
    Atomics.notify(c, EPOCH);
    (this.kernels[kernel] as (...a: number[]) => void)(...args, 0, this.parts);
    for (let done = Atomics.load(c, DONE); done < this.parts - 1; done = Atomics.load(c, DONE)) Atomics.wait(c, DONE, done);
  }
}

/** Runs a `_part` kernel over all parts: on `threads` when given, else here, part by part. */
export function parallel(kernels: LacunaKernelExports, threads: WasmThreads | null, kernel: PartKernel, args: number[]): void {
  if (threads) threads.run(kernel, args);
  else (kernels[kernel] as (...a: number[]) => void)(...args, 0, 1);
}
