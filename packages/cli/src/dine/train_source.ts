/** `lacuna dine train-source`: trains the source LeNet and saves the best held-out checkpoint. */
import { join, resolve } from 'node:path';
import { data } from '@lacuna/core';
import { data as digits, loadDigits, model, saveDigitsNet, trainSource, type DigitsArch } from '@lacuna/dine';

const { DIGIT_CLASSES, DIGITS_ARCHS } = model;
const { subset } = digits;
import { lookUpOption } from '@lacuna/core';
import { backendOptions, parseOptions, positiveInt, printUsage, required, startBackend, type Command } from '../cli_args.js';
import { dataOptions, dataSettings, DATA_HELP, pct } from './common.js';

export const trainSourceCommand: Command = {
  name: 'train-source',
  summary: 'train the source model (LeNet) and save the best held-out checkpoint',
  usage: `lacuna dine train-source --out DIR [--source demo|mnist|usps|idx:..|png:..] [--steps N] [--batch N]
                         [--seed S] [--arch lenet|lenet-small|mlp|resnet8] [--data-root DIR] [--usps-resize stretch|frame] [--resume]

Trains SHOT's digits LeNet (conv 20 k5, pool, conv 50 k5, dropout, pool, 256-d bottleneck with
batch norm, weight-normalised classifier) on the source's train split: cross-entropy with label
smoothing 0.1, SGD with Nesterov momentum 0.9, weight decay 5e-4, lr 0.01 (1 + 10 p)^-0.75,
batch 64 (--batch). 10 % of the images (a seeded draw) are held out; the weights with the best
held-out accuracy are written to DIR/model (a TF.js model folder with dine-model.json; serve,
adapt --teacher and eval take DIR or DIR/model). Checkpoints go to DIR/train/; --resume continues
an interrupted run. Defaults: --source demo, --steps 600, --seed 1.
${DATA_HELP}`,
  async run(argv) {
    const o = parseOptions('dine train-source', argv, {
      out: { type: 'string' }, source: { type: 'string' }, steps: { type: 'string' }, batch: { type: 'string' }, seed: { type: 'string' },
      arch: { type: 'string' }, ...dataOptions, resume: { type: 'boolean' }, ...backendOptions,
    });
    if (o.help) return printUsage(this.usage);
    const out = resolve(required('dine train-source', o.out, 'out', 'DIR'));
    const steps = positiveInt('dine train-source', 'steps', o.steps, 600);
    const batchSize = positiveInt('dine train-source', 'batch', o.batch, 64);
    const seed = positiveInt('dine train-source', 'seed', o.seed, 1);
    const arch = lookUpOption(o.arch ?? 'lenet', DIGITS_ARCHS, 'dine train-source --arch') as DigitsArch;
    const info = await startBackend('dine train-source', o);
    const d = dataSettings(o);
    const all = await loadDigits(o.source ?? 'demo', 'source', 'train', d.root, d.resize, DIGIT_CLASSES);
    const order = new data.Random(seed).permutation(all.count);
    const nHeld = Math.max(1, Math.round(all.count * 0.1));
    const heldOut = subset(all, order.subarray(0, nHeld), `${all.name} (held out)`);
    const trainSet = subset(all, order.subarray(nHeld), `${all.name} (train)`);
    console.log(`lacuna dine train-source: ${trainSet.count} train / ${heldOut.count} held-out images of ${all.name}; ${steps} steps; ${info.backend}, ${info.threads} thread(s)`);
    const r = await trainSource({
      train: trainSet, heldOut, steps, seed, arch, batchSize, checkpointDir: join(out, 'train'), resume: o.resume ?? false, progress: 'auto',
      log: (m) => console.log(m),
    });
    await saveDigitsNet(join(out, 'model'), r.model, r.netOptions, { heldOutAccuracy: r.heldOutAccuracy, bestStep: r.bestStep, steps, source: all.name });
    console.log(`best held-out accuracy ${pct(r.heldOutAccuracy)} at step ${r.bestStep}; model -> ${join(out, 'model')}`);
    return 0;
  },
};
