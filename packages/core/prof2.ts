import { createRequire } from 'node:module';
import { encodeOnnxModel } from './src/native/onnx_model.js';
import { conv2dBackpropFilterGraph, conv2dBackpropInputGraph, conv2dGraph } from './src/native/graphs.js';
import { readFileSync } from 'node:fs';
const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');
const { binding, initOrt } = require('onnxruntime-node/dist/binding.js'); initOrt();
const T = Number(process.env.T ?? 2);
const g = { B: 8, H: 128, W: 128, Ci: 32, Co: 32, KH: 3, KW: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pl: 1, pb: 1, pr: 1, OH: 128, OW: 128 };
for (const [name, graph, ins] of [
  ['dw', conv2dBackpropFilterGraph(g), { x: [8,128,128,32], dy: [8,128,128,32] }],
  ['dx', conv2dBackpropInputGraph(g)!, { dy: [8,128,128,32], w: [3,3,32,32] }],
  ['fwd', conv2dGraph(g, { activation: 'linear' }, false), { x: [8,128,128,32], w: [3,3,32,32] }],
] as const) {
  const bytes = encodeOnnxModel(graph);
  const s = new binding.InferenceSession();
  s.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, { intraOpNumThreads: T, graphOptimizationLevel: 'all', enableProfiling: true, profileFilePrefix: '/tmp/ortprof_' + name, logSeverityLevel: 3, extra: { session: { intra_op: { allow_spinning: '0' } } } });
  const feeds: any = {}; for (const [k, sh] of Object.entries(ins)) feeds[k] = new ort.Tensor('float32', new Float32Array(sh.reduce((a: number, b: number) => a * b, 1)).fill(0.5), sh);
  const outs: any = {}; for (const k of Object.keys(graph.outputs)) outs[k] = null;
  for (let i = 0; i < 4; i++) s.run(feeds, outs, {});
  const t0 = performance.now(); for (let i = 0; i < 5; i++) s.run(feeds, outs, {}); console.log(name, ((performance.now() - t0) / 5).toFixed(1), 'ms');
  const file = s.endProfiling();
  const ev = JSON.parse(readFileSync(file, 'utf8')) as any[];
  const by = new Map<string, number>();
  for (const e of ev) if (e.cat === 'Node' && e.name.endsWith('_kernel_time')) { const op = e.args.op_name; by.set(op, (by.get(op) ?? 0) + e.dur / 1000 / 9); }
  console.log([...by.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(' | '));
}
