/**
 * A whole training run, `lacuna medsynth train`: load and split subjects, stack slices, train
 * (forest: one fit; networks: the step loop with checkpoints, resume, sample PNGs and
 * validation scores), save the model folder, then score the test subjects.
 *
 * Scores are computed on the normalised target rescaled to [0, 1] (data range 1), inside the
 * head mask: MAE is then a fraction of the target's reference level (MR: its 99.5th
 * percentile; CT: the HU window; PET: suvMax × the mean uptake).
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, ValueError, data, tf, train, type tfl } from '@lacuna/core';
import { fitForestSynthesis } from '../baseline/forest_synthesis.js';
import { fitDictionarySynthesis } from '../baseline/dictionary_synthesis.js';
import { medianNorm } from '../data/intensity_norm.js';
import { stackSubjects, type PairedStacks, type PairedSubject } from '../data/paired_volumes.js';
import { augmentBatch } from '../data/augment.js';
import { gatherSlices, samplePatches } from '../data/patches.js';
import { axialStack, cropSlices, type SliceStack } from '../data/slice_stack.js';
import { synthesisMetrics, type SynthesisScores } from '../evaluation/synthesis_metrics.js';
import { trainPerceptualNet } from '../synthesis/perceptual_net.js';
import { SynthesisTrainer } from '../synthesis/trainer.js';
import { termNeedsNet } from '../losses/task_terms.js';
import { huClassScore, requireLabels, segClassStack, taskDiceScore, trainTaskSegmenter, type HuClassScore, type TaskDice } from './task_models.js';
import { dictionarySynthesizer, forestSynthesizer, generatorFor } from './model_bundle.js';
import { saveSynthesisModel } from './model_folder.js';
import { fillBackground, type SynthesisModelInfo } from './predict_volume.js';
import { sliceGrid } from './slice_grid.js';
import { slidingWindowPredict } from './sliding_window.js';
import { generatorSynthesizer, type SliceSynthesizer } from './slice_synthesizer.js';
import type { TrainConfig } from './train_config.js';
import { loadTrainingSubjects, type SplitSubjects } from './training_data.js';
import { trainCycleGan } from './train_cycle_gan.js';

export interface TrainSynthesisOptions {
  /** Continue from the latest checkpoint in out/checkpoints. */
  readonly resume?: boolean;
  /** Status lines (default silent). */
  readonly log?: (message: string) => void;
  /** Progress display of the step loop. Default 'auto'. */
  readonly progress?: train.ProgressMode;
  /** Already loaded subjects (the benchmark reuses them across models). */
  readonly subjects?: SplitSubjects;
  /** The segmenter of the task score (evaluation.taskDice); default: trained in the run. */
  readonly evaluator?: tfl.LayersModel;
}

/** Mean scores over subjects. */
export interface SubjectMeanScores extends Omit<SynthesisScores, 'voxels'> {
  readonly subjects: number;
}

export interface TrainSynthesisResult {
  readonly modelDir: string;
  /** Seconds of training (fit or step loop; a resumed run counts its earlier runs too), without loading and testing. */
  readonly seconds: number;
  readonly steps: number;
  readonly interrupted: boolean;
  readonly test?: SubjectMeanScores;
  readonly testBySubject: Record<string, SynthesisScores>;
  readonly synthesizer: SliceSynthesizer;
  readonly info: SynthesisModelInfo;
  /** The task score on the test subjects (evaluation.taskDice). */
  readonly taskDice?: TaskDice;
  /** MR → CT task score (evaluation.huClasses). */
  readonly huClasses?: HuClassScore;
}

/** Pads to this multiple so the poolings of G (and of the task segmenters) divide the slice. */
function multipleFor(config: TrainConfig): number {
  const model = config.model;
  let m = model.arch === 'unet' ? 2 ** model.depth : model.arch === 'resnet' || model.arch === 'cyclegan' ? 4 : 1;
  if (config.task && termNeedsNet(config.task.kind)) m = Math.max(m, 2 ** config.task.segmenter.depth);
  if (config.evaluation.taskDice) m = Math.max(m, 2 ** config.evaluation.segmenter.depth);
  return m;
}

/** Scores a synthesiser on subjects' slices (normalised, rescaled to [0, 1]) inside their head masks. */
export function scoreSubjects(synthesizer: SliceSynthesizer, subjects: readonly PairedSubject[], info: Pick<SynthesisModelInfo, 'context' | 'multiple' | 'inference'>): { mean?: SubjectMeanScores; bySubject: Record<string, SynthesisScores> } {
  const bySubject: Record<string, SynthesisScores> = {};
  const window = info.inference?.window;
  for (const s of subjects) {
    const { dims } = s.grid;
    const range = { slices: s.slices, multiple: window ? 1 : info.multiple };
    const source = axialStack(s.source, dims, { ...range, context: info.context });
    const mask = axialStack([Float32Array.from(s.mask)], dims, { ...range, padValue: 0 });
    const plane = dims[0] * dims[1];
    const [k0, k1] = s.slices;
    const out = window ? slidingWindowPredict(synthesizer, source, { window, ...(info.inference?.overlap !== undefined ? { overlap: info.inference.overlap } : {}) }, mask) : synthesizer.predict(source, mask);
    const pred = fillBackground(cropSlices(out, dims[0], dims[1]), s.mask, k0 * plane);
    const ref = s.target!.subarray(k0 * plane, (k1 + 1) * plane);
    const to01 = (x: Float32Array) => x.map((v) => (v + 1) / 2);
    const sliceDims = [dims[0], dims[1], k1 - k0 + 1] as const;
    bySubject[s.id] = synthesisMetrics(to01(pred), to01(ref), sliceDims, s.mask.subarray(k0 * plane, (k1 + 1) * plane), { dataRange: 1 }).volume;
  }
  const scores = Object.values(bySubject);
  if (scores.length === 0) return { bySubject };
  const mean = (f: (s: SynthesisScores) => number) => scores.reduce((a, s) => a + f(s), 0) / scores.length;
  return { bySubject, mean: { mae: mean((s) => s.mae), psnr: mean((s) => s.psnr), ssim: mean((s) => s.ssim), subjects: scores.length } };
}

function toTensor(stack: SliceStack): tf.Tensor4D {
  return tf.tensor4d(stack.data, [...stack.shape]);
}

/** `out` must be a folder or not exist yet (it is created once the data have loaded). */
async function checkOutputFolder(out: string): Promise<void> {
  const s = await stat(out).catch(() => null);
  if (s && !s.isDirectory()) throw new ConfigError(`trainSynthesis: out '${out}' is a file, not a folder: give a folder for the run`, 'out', out);
}

/** Runs the training the config describes; see the module comment. */
export async function trainSynthesis(config: TrainConfig, options: TrainSynthesisOptions = {}): Promise<TrainSynthesisResult> {
  const log = options.log ?? (() => {});
  const out = config.out;
  await checkOutputFolder(out);
  // Everything that can fail on the data is read and checked before the first file is written.
  const subjects = options.subjects ?? (await loadTrainingSubjects(config, (id, done, total) => log(`loaded ${id} (${done}/${total})`), log));
  log(`subjects: ${subjects.train.length} train, ${subjects.val.length} validation, ${subjects.test.length} test`);
  const multiple = multipleFor(config);
  const context = config.data.context;
  if (config.inference.window && config.inference.window % multiple !== 0) throw new ConfigError(`inference.window ${config.inference.window} must be a multiple of ${multiple} (the network's 2^depth)`, 'inference.window');
  const info: SynthesisModelInfo = {
    sourceModalities: config.data.source,
    targetModality: config.data.target,
    context,
    multiple,
    norm: config.data.norm,
    geometry: config.data.geometry,
    ...(config.inference.window || config.inference.mirror ? { inference: { ...(config.inference.window ? { window: config.inference.window, overlap: config.inference.overlap } : {}), ...(config.inference.mirror ? { mirror: true } : {}) } } : {}),
    targetNorm: medianNorm(subjects.train.map((s) => s.targetNorm!)),
  };
  const trainSet = stackSubjects(subjects.train, { context, multiple });
  const task = config.task;
  if (task && (task.kind === 'supervised' || task.joint || termNeedsNet(task.kind))) requireLabels(trainSet, 'task');
  if (config.evaluation.taskDice) requireLabels(trainSet, 'evaluation.taskDice');
  await mkdir(out, { recursive: true });
  const modelDir = join(out, 'model');
  const t0 = performance.now();
  let synthesizer: SliceSynthesizer;
  let steps = 0;
  let interrupted = false;
  let secondsBefore = 0;

  if (config.model.arch === 'forest') {
    const m = config.model;
    const progress = new train.Progress({ total: m.trees, label: 'forest', mode: options.progress ?? 'auto' });
    const forest = fitForestSynthesis(trainSet.source, trainSet.target, Uint8Array.from(trainSet.mask.data, (v) => (v > 0.5 ? 1 : 0)), {
      trees: m.trees,
      maxDepth: m.maxDepth,
      minLeaf: m.minLeaf,
      maxSamples: m.samples,
      seed: config.train.seed,
      onProgress: (done) => progress.update(done),
    });
    progress.done();
    await saveSynthesisModel(modelDir, { model: config.model, info, trainedSteps: 0 }, { forest });
    synthesizer = forestSynthesizer(forest);
  } else if (config.model.arch === 'dictionary') {
    const m = config.model;
    const progress = new train.Progress({ total: m.iterations, label: 'dictionary', mode: options.progress ?? 'auto' });
    const dictionary = fitDictionarySynthesis(trainSet.source, trainSet.target, Uint8Array.from(trainSet.mask.data, (v) => (v > 0.5 ? 1 : 0)), {
      atoms: m.atoms,
      sparsity: m.sparsity,
      patch: m.patch,
      iterations: m.iterations,
      maxSamples: m.samples,
      stride: m.stride,
      seed: config.train.seed,
      onIteration: (round, residual) => progress.update(round, { residual }),
    });
    progress.done();
    await saveSynthesisModel(modelDir, { model: config.model, info, trainedSteps: 0 }, { dictionary });
    synthesizer = dictionarySynthesizer(dictionary);
  } else {
    const result = config.model.arch === 'cyclegan' ? await trainCycleGan(config, info, trainSet, subjects.val, options) : await trainGenerator(config, info, trainSet, subjects.val, options);
    steps = result.steps;
    interrupted = result.interrupted;
    // The training time of the runs before a --resume, from the checkpoint.
    secondsBefore = result.earlierSeconds;
    await saveSynthesisModel(modelDir, { model: config.model, info, trainedSteps: steps }, { generator: result.generator });
    synthesizer = generatorSynthesizer(result.generator, 8, { mirror: config.inference.mirror });
  }
  const seconds = secondsBefore + (performance.now() - t0) / 1000;
  const test = scoreSubjects(synthesizer, subjects.test, info);
  let taskDice: TaskDice | undefined;
  if (config.evaluation.taskDice && subjects.test.length > 0) {
    const evaluator = options.evaluator ?? trainTaskSegmenter(trainSet, config.evaluation.segmenter, 'evaluation.taskDice');
    taskDice = taskDiceScore(synthesizer, subjects.test, info, evaluator);
    if (!options.evaluator) evaluator.dispose();
    log(`task score: Dice of a segmenter trained on real ${config.data.target} applied to synthetic test slices: ${taskDice.mean.toFixed(4)}`);
  }
  const huClasses = config.evaluation.huClasses && subjects.test.length > 0 ? huClassScore(synthesizer, subjects.test, info, config.data.norm.window) : undefined;
  if (huClasses) log(`task score: HU-class agreement of synthetic and real CT in the head: ${huClasses.accuracy.toFixed(4)}`);
  const summary = { seconds, steps, test: test.mean ?? null, testBySubject: test.bySubject, taskDice: taskDice ?? null, huClasses: huClasses ?? null, subjects: { train: subjects.train.map((s) => s.id), val: subjects.val.map((s) => s.id), test: subjects.test.map((s) => s.id) } };
  await data.writeFileAtomic(join(out, 'metrics.json'), new TextEncoder().encode(`${JSON.stringify(summary, null, 2)}\n`), 'trainSynthesis');
  return { modelDir, seconds, steps, interrupted, ...(test.mean ? { test: test.mean } : {}), ...(taskDice ? { taskDice } : {}), ...(huClasses ? { huClasses } : {}), testBySubject: test.bySubject, synthesizer, info };
}

/** The generator's learning rate as a schedule of the update index (config.train.schedule). */
export function lrSchedule(t: { lr: number; steps: number; schedule: 'constant' | 'linear' | 'cosine' }): number | train.LrSchedule {
  if (t.schedule === 'linear') return train.linearDecayLr({ lr: t.lr, constantSteps: Math.floor(t.steps / 2), decaySteps: t.steps - Math.floor(t.steps / 2) });
  if (t.schedule === 'cosine') return train.cosineLr({ lr: t.lr, totalSteps: t.steps });
  return t.lr;
}

/**
 * Every config.train.sampleEvery steps: the validation scores of the generator and a PNG of four
 * validation slices (source | prediction | target) under out/samples.
 */
export async function sampleWriter(config: TrainConfig, info: SynthesisModelInfo, generator: tfl.LayersModel, val: readonly PairedSubject[]): Promise<(step: number, say: (m: string) => void) => Promise<void>> {
  const valSet = val.length > 0 ? stackSubjects(val, { context: info.context, multiple: info.multiple }) : undefined;
  const sampleSlices = valSet ? Array.from({ length: Math.min(4, valSet.index.length) }, (_, i) => Math.floor(((i + 0.5) * valSet.index.length) / Math.min(4, valSet.index.length))) : [];
  await mkdir(join(config.out, 'samples'), { recursive: true });
  return async (step, say) => {
    if (!valSet) return;
    const synth = generatorSynthesizer(generator, 8, { mirror: config.inference.mirror });
    const scores = scoreSubjects(synth, val, info).mean!;
    const src = gatherSlices(valSet.source, sampleSlices);
    const pred = synth.predict(src);
    const tgt = gatherSlices(valSet.target, sampleSlices);
    const picture = sliceGrid([src, pred, tgt], sampleSlices.map((_, i) => i));
    await data.writePng(join(config.out, 'samples', `step_${String(step).padStart(6, '0')}.png`), picture);
    say(`step ${step}: validation MAE ${scores.mae.toFixed(4)} PSNR ${scores.psnr.toFixed(2)} SSIM ${scores.ssim.toFixed(4)}`);
  };
}

async function trainGenerator(config: TrainConfig, info: SynthesisModelInfo, trainSet: PairedStacks, val: readonly PairedSubject[], options: TrainSynthesisOptions): Promise<{ generator: tfl.LayersModel; steps: number; interrupted: boolean; earlierSeconds: number }> {
  const { seed, batchSize, steps, beta1 } = config.train;
  const lr = lrSchedule(config.train);
  const generator = generatorFor(config.model, info, seed);
  const loss = config.loss;
  let perceptualNet: tfl.LayersModel | undefined;
  if (loss.perceptual > 0) {
    const images = toTensor(trainSet.target);
    perceptualNet = trainPerceptualNet(images, { seed: seed + 2 });
    images.dispose();
  }
  const task = config.task;
  const taskNet = task && termNeedsNet(task.kind) ? trainTaskSegmenter(trainSet, task.segmenter, 'task') : undefined;
  const taskLabels = trainSet.labels ? segClassStack(trainSet.labels) : undefined;
  // Targets are normalised to [−1, 1]: SSIM's data range is 2.
  const trainer = new SynthesisTrainer({
    generator,
    discriminator: { ...config.discriminator, seed: seed + 1 },
    losses: loss,
    optimizer: { lr, beta1 },
    dataRange: 2,
    ...(perceptualNet ? { perceptual: { net: perceptualNet } } : {}),
    ...(task ? { task: { term: { kind: task.kind, weight: task.weight, depth: task.depth }, ...(taskNet ? { net: taskNet } : {}), ...(task.joint ? { joint: { lr: task.segmenter.lr } } : {}) } } : {}),
  });
  if (trainer.needsLabels && !taskLabels) throw new ValueError(`task '${task!.kind}'${task!.joint ? ' (joint)' : ''} needs tissue labels: every subject must have a labels.nii.gz`);
  const rng = new data.Random(seed);
  const n = trainSet.source.shape[0];
  const writeSamples = await sampleWriter(config, info, generator, val);

  let say: (m: string) => void = () => {};
  const result = await train.runTraining({
    steps,
    rng,
    models: trainer.models(),
    optimizers: trainer.optimizers(),
    checkpoint: { dir: join(config.out, 'checkpoints'), every: config.train.checkpointEvery },
    resume: options.resume ?? false,
    logFile: join(config.out, 'train.jsonl'),
    progress: options.progress ?? 'auto',
    progressLabel: `${config.model.arch}`,
    step: (ctx) => {
      say = (m) => ctx.log(m);
      const batch = config.data.patchSize
        ? samplePatches(trainSet.source, trainSet.target, trainSet.mask, config.data.patchSize, batchSize, ctx.rng, taskLabels)
        : (() => {
            const idx = Array.from({ length: batchSize }, () => ctx.rng.int(0, n));
            return { source: gatherSlices(trainSet.source, idx), target: gatherSlices(trainSet.target, idx), mask: gatherSlices(trainSet.mask, idx), ...(taskLabels ? { labels: gatherSlices(taskLabels, idx) } : {}) };
          })();
      const aug = augmentBatch(batch, config.data.augment, ctx.rng);
      const x = toTensor(aug.source);
      const y = toTensor(aug.target);
      const m = toTensor(aug.mask);
      const l = trainer.needsLabels && aug.labels ? toTensor(aug.labels) : undefined;
      try {
        const r = trainer.step(x, y, m, l);
        return { g: r.g, ...(r.d !== undefined ? { d: r.d } : {}), ...(r.parts.task !== undefined ? { task: r.parts.task } : {}) };
      } finally {
        tf.dispose(l ? [x, y, m, l] : [x, y, m]);
      }
    },
    onStep: async (completed) => {
      if (completed % config.train.sampleEvery === 0 || completed === steps) await writeSamples(completed, say);
    },
  });
  perceptualNet?.dispose();
  taskNet?.dispose();
  trainer.discriminator?.dispose();
  return { generator, steps: result.completed, interrupted: result.interrupted, earlierSeconds: result.totalSeconds - result.seconds };
}
