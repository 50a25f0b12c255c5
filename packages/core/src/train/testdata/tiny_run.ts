/**
 * A tiny, fully seeded training run for the resume tests (spawned as a child process):
 * conv → instance norm → ReLU → SeededDropout → strided conv → batch norm → ReLU → dense,
 * with Adam (cosine schedule, clipping) on the conv part and Nesterov SGD (weight decay) on
 * the head, batches and input noise drawn from a checkpointed Random, and a loss EMA as user
 * state. Prints `step <n> <loss>` after every step and `done` at the end.
 *
 *   node --import tsx tiny_run.ts --dir <ckpt dir> [--steps 40] [--every 5] [--delay-ms 0]
 *        [--stall-after N] [--resume] [--log file]
 *
 * --stall-after N waits (up to 60 s, or until SIGINT) after step N, so a test that kills the
 * run mid-way cannot lose the race on a loaded machine.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Random } from '../../data/random.js';
import { convNormAct } from '../../nn/conv_norm_act.js';
import { WeightInit } from '../../nn/init.js';
import { downsample } from '../../nn/resample.js';
import { SeededDropout } from '../../nn/seeded_dropout.js';
import { runTraining } from '../node.js';
import { Optimizer, trainableVariables } from '../optimizer.js';
import { cosineLr } from '../schedules.js';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string' },
    steps: { type: 'string', default: '40' },
    every: { type: 'string', default: '5' },
    'delay-ms': { type: 'string', default: '0' },
    'stall-after': { type: 'string', default: '0' },
    resume: { type: 'boolean', default: false },
    log: { type: 'string' },
    // Train on the wasm backend with every conv and matmul on the native engine.
    native: { type: 'boolean', default: false },
  },
});
const steps = Number(args.steps);
const delayMs = Number(args['delay-ms']);
const stallAfter = Number(args['stall-after']);
if (args.native) {
  const { initBackend } = await import('../../backend/node.js');
  const { nativeKernelSettings } = await import('../../native/kernels.js');
  const info = await initBackend({ backend: 'wasm', threads: 2 });
  if (info.engine !== 'native') throw new Error(`tiny_run --native: got the ${info.engine} engine (${info.notes.join('; ')})`);
  nativeKernelSettings.minFlops = 0;
} else {
  await tf.setBackend('cpu');
}

// Model: [B, 6, 6, 1] → [B, 1]
const init = new WeightInit({ seed: 1234 });
const input = tfl.input({ shape: [6, 6, 1] });
let x = convNormAct(input, { filters: 4, kernelSize: 3, norm: 'instance', act: 'relu', init });
x = new SeededDropout({ rate: 0.25, seed: 99, spatial: true }).apply(x) as tfl.SymbolicTensor;
x = downsample(x, { mode: 'strided', filters: 6, kernelSize: 3, norm: 'batch', act: 'relu', init }); // [B, 3, 3, 6]
const features = tfl.model({ inputs: input, outputs: x });
const flat = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
const head = tfl.layers.dense({ units: 1, kernelInitializer: init.kernel() });
const net = tfl.model({ inputs: input, outputs: head.apply(flat) as tfl.SymbolicTensor });

// Data: 32 fixed samples from their own generator; y = mean(x) + 0.5·x[0,0] + 0.25.
const dataRng = new Random(7);
const N = 32;
const xs = tf.tensor4d(Array.from({ length: N * 36 }, () => dataRng.normal()), [N, 6, 6, 1]);
const ys = tf.tidy(() => tf.add(tf.add(tf.mean(xs, [1, 2]), tf.mul(0.5, tf.reshape(tf.slice(xs, [0, 0, 0, 0], [N, 1, 1, 1]), [N, 1]))), 0.25)); // [N, 1]

const convVars = trainableVariables(features);
const headVars = head.trainableWeights.map((w) => w.read() as tf.Variable);
const adam = new Optimizer({ kind: 'adam', lr: cosineLr({ lr: 0.02, totalSteps: steps, warmupSteps: 3 }), clipNorm: 1 });
const sgd = new Optimizer({ kind: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 });
const rng = new Random(42);
let ema = 0;

await runTraining({
  steps,
  models: { net },
  optimizers: { adam, sgd },
  rng,
  state: { get: () => ({ ema }), set: (s) => void (ema = (s as { ema: number }).ema) },
  checkpoint: { dir: args.dir!, every: Number(args.every), keep: 3 },
  resume: args.resume,
  logFile: args.log,
  progress: 'none',
  step: (ctx) => {
    const idx = Array.from({ length: 8 }, () => ctx.rng.int(0, N));
    const noiseSeed = ctx.rng.int(1, 2 ** 31);
    const { value, grads } = tf.variableGrads(() =>
      tf.tidy(() => {
        const xb = tf.add(tf.gather(xs, idx), tf.mul(0.01, tf.randomNormal([8, 6, 6, 1], 0, 1, 'float32', noiseSeed)));
        const pred = net.apply(xb, { training: true }) as tf.Tensor; // [8, 1]
        return tf.mean(tf.square(tf.sub(pred, tf.gather(ys, idx)))) as tf.Scalar;
      }),
      [...convVars, ...headVars],
    );
    adam.applyGradients(grads, convVars);
    sgd.applyGradients(grads, headVars);
    tf.dispose(grads);
    const loss = value.dataSync()[0]!;
    value.dispose();
    ema = ctx.step === 0 ? loss : 0.9 * ema + 0.1 * loss;
    return { loss, ema };
  },
  onStep: async (completed, losses) => {
    process.stdout.write(`step ${completed} ${losses['loss']}\n`);
    if (delayMs > 0) await sleep(delayMs);
    if (completed === stallAfter) {
      const abort = new AbortController();
      const wake = () => abort.abort();
      process.once('SIGINT', wake);
      await sleep(60_000, undefined, { signal: abort.signal }).catch(() => undefined);
      process.off('SIGINT', wake);
    }
  },
});
process.stdout.write('done\n');
