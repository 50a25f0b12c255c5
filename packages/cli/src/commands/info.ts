
import { backendOptions, parseOptions, printUsage, startBackend, type Command } from '../cli_args.js';

export const infoCommand: Command = {
  name: 'info',
  summary: 'print the tensor backend, thread count and versions',
  usage: `lacuna info [--backend auto|tensorflow|wasm|cpu] [--threads N] [--json]

Prints which TensorFlow.js backend Lacuna selects (tfjs-node when installed, else wasm with
Lacuna's training kernels, else cpu), the engine doing the heavy kernels (native: ONNX
Runtime from the optional onnxruntime-node package; LACUNA_NATIVE=0 turns it off), its
thread count, SIMD support and package versions.`,
  async run(argv) {
    const o = parseOptions('info', argv, { ...backendOptions, json: { type: 'boolean' } });
    if (o.help) return printUsage(this.usage);
    const info = await startBackend('info', o);
    if (o.json) {
      console.log(JSON.stringify(info));
      return 0;
    }
    console.log(`backend          ${info.backend}`);
    console.log(`threads          ${info.threads}`);
    console.log(`simd             ${info.simd}`);
    console.log(`lacuna kernels   ${info.lacunaKernels ? 'registered' : 'no'}`);
    console.log(`engine           ${info.engine}${info.native ? ` (${info.native.name} ${info.native.version}, ${info.native.threads} thread(s))` : ''}`);
    for (const [k, v] of Object.entries(info.versions)) console.log(`${k.padEnd(16)} ${v}`);
    for (const n of info.notes) console.log(`note             ${n}`);
    return 0;
  },
};
