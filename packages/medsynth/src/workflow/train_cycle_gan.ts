/**
 * The step loop of an unpaired run (model.arch 'cyclegan', data.unpaired): CycleGAN
 * (synthesis/cycle_gan.ts) on source images and target images drawn from disjoint halves of the
 * training data, so no source image is ever seen with its own target: alternate subjects when
 * there are two or more, else alternate slices of the one subject. Checkpoints hold the four
 * networks, both optimisers and the image pools; the model folder keeps G (source -> target).
 */
import { join } from 'node:path';
import { ValueError, data, tf, train, type tfl } from '@lacuna/core';
import { augmentBatch } from '../data/augment.js';
import type { PairedStacks, PairedSubject } from '../data/paired_volumes.js';
import { gatherSlices, samplePatches } from '../data/patches.js';
import type { SliceStack } from '../data/slice_stack.js';
import { CycleGanTrainer } from '../synthesis/cycle_gan.js';
import type { SynthesisModelInfo } from './predict_volume.js';
import type { TrainConfig } from './train_config.js';
import { lrSchedule, sampleWriter, type TrainSynthesisOptions } from './train_synthesis.js';

/** Which training slices give source images and which give target images: disjoint halves. */
export function unpairedHalves(index: PairedStacks['index']): { source: number[]; target: number[]; by: 'subject' | 'slice' } {
  const subjects = [...new Set(index.map((e) => e.subject))];
  const by = subjects.length >= 2 ? 'subject' : 'slice';
  const source: number[] = [];
  const target: number[] = [];
  index.forEach((e, i) => {
    const even = by === 'subject' ? subjects.indexOf(e.subject) % 2 === 0 : i % 2 === 0;
    (even ? source : target).push(i);
  });
  if (source.length === 0 || target.length === 0) throw new ValueError(`data.unpaired: the training data have too few slices to split into source and target halves (${index.length})`);
  return { source, target, by };
}

const toTensor = (s: SliceStack) => tf.tensor4d(s.data, [...s.shape]);

export async function trainCycleGan(config: TrainConfig, info: SynthesisModelInfo, trainSet: PairedStacks, val: readonly PairedSubject[], options: TrainSynthesisOptions): Promise<{ generator: tfl.LayersModel; steps: number; interrupted: boolean; earlierSeconds: number }> {
  const model = config.model;
  if (model.arch !== 'cyclegan') throw new ValueError(`trainCycleGan: model.arch must be 'cyclegan', got '${model.arch}'`);
  const { seed, batchSize, steps, beta1 } = config.train;
  const halves = unpairedHalves(trainSet.index);
  options.log?.(`unpaired: source images from ${halves.source.length} slices, target images from the other ${halves.target.length} (split by ${halves.by})`);
  const trainer = new CycleGanTrainer({
    generator: { arch: 'resnet', base: model.ngf, nBlocks: model.blocks, norm: model.norm },
    channels: { a: trainSet.source.shape[3], b: trainSet.target.shape[3] },
    discriminator: config.discriminator,
    seed,
    cycle: model.cycle,
    identity: model.identity,
    pool: model.pool,
    optimizer: { lr: lrSchedule(config.train), beta1 },
  });
  const writeSamples = await sampleWriter(config, info, trainer.generator, val);
  const draw = (from: readonly number[], rng: Parameters<typeof samplePatches>[5]) => {
    if (config.data.patchSize) return samplePatches(trainSet.source, trainSet.target, trainSet.mask, config.data.patchSize, batchSize, rng, undefined, from);
    const idx = Array.from({ length: batchSize }, () => from[rng.int(0, from.length)]!);
    return { source: gatherSlices(trainSet.source, idx), target: gatherSlices(trainSet.target, idx), mask: gatherSlices(trainSet.mask, idx) };
  };
  let say: (m: string) => void = () => {};
  const result = await train.runTraining({
    steps,
    rng: new data.Random(seed),
    models: trainer.models(),
    optimizers: trainer.optimizers(),
    state: trainer.state(),
    checkpoint: { dir: join(config.out, 'checkpoints'), every: config.train.checkpointEvery },
    resume: options.resume ?? false,
    logFile: join(config.out, 'train.jsonl'),
    progress: options.progress ?? 'auto',
    progressLabel: 'cyclegan',
    step: (ctx) => {
      say = (m) => ctx.log(m);
      // Source images from one half, target images from the other: never a pair.
      const a = augmentBatch(draw(halves.source, ctx.rng), config.data.augment, ctx.rng);
      const b = augmentBatch(draw(halves.target, ctx.rng), { ...config.data.augment, intensity: 0 }, ctx.rng);
      const t = [toTensor(a.source), toTensor(b.target), toTensor(a.mask), toTensor(b.mask)] as const;
      try {
        const r = trainer.step(t[0], t[1], { a: t[2], b: t[3] });
        return { g: r.g, d: r.d, cycle: r.parts.cycle_a! + r.parts.cycle_b! };
      } finally {
        tf.dispose([...t]);
      }
    },
    onStep: async (completed) => {
      if (completed % config.train.sampleEvery === 0 || completed === steps) await writeSamples(completed, say);
    },
  });
  trainer.dispose({ keepGenerator: true });
  return { generator: trainer.generator, steps: result.completed, interrupted: result.interrupted, earlierSeconds: result.totalSeconds - result.seconds };
}
