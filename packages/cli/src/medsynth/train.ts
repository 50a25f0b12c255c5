import { resolve } from 'node:path';

import { loadTrainConfig, trainSynthesis } from '@lacuna/medsynth';
import { backendOptions, parseOptions, positiveInt, printUsage, startBackend, type Command } from '../cli_args.js';

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a synthesis model (random forest, U-Net, ResNet, pix2pix) from a config file',
  usage: `lacuna medsynth train --config FILE [--resume] [--steps N] [--threads N]

Trains the model a JSON config describes and writes, under the config's "out" folder:
model/ (the trained model, for 'lacuna medsynth predict'), checkpoints/ (every
train.checkpointEvery steps; --resume continues from the latest), samples/ (PNG grids of
validation slices, source | prediction | target, every train.sampleEvery steps), train.jsonl
(losses per step) and metrics.json (MAE / PSNR / SSIM on the test subjects). Ctrl-C saves a
checkpoint and stops.

Config (relative paths are resolved against the config file's folder; the values shown are
the defaults, except "data.phantom", "model" and "out", which have none):
  {
    "data":  { "phantom": "phantom/",            // or "subjects": [{ "id", "source": [..],
               "source": ["t1"], "target": "t2",  //   "target", "mask"?, "slices"?: [k0, k1],
                                                  //   "role"?: "train"|"val"|"test" }]
               "split": { "val": 0.1, "test": 0.2, "seed": 0 },  // fractions (< 1) or counts (>= 1)
               "context": 0,                      // neighbouring slices per side as channels
               "patchSize": null },               // null: whole slices; a number: random patches
    "model": { "arch": "unet", "base": 32, "depth": 4, "norm": "instance" },
             // or { "arch": "resnet", "ngf": 32, "blocks": 9 }
             // or { "arch": "forest", "trees": 30, "maxDepth": 16, "minLeaf": 5, "samples": 100000 }
    "loss":  { "l1": 1, "mse": 0, "ssim": 0, "msSsim": 0, "featureMatching": 0, "perceptual": 0,
               "adversarial": { "kind": "vanilla" | "lsgan", "weight": 1 } },  // no adversarial term unless given
    "discriminator": { "ndf": 64, "nLayers": 3, "norm": "batch" },   // PatchGAN 70x70
    "train": { "steps": 2000, "batchSize": 8, "lr": 0.0002, "beta1": 0.5, "seed": 1,
               "checkpointEvery": 500, "sampleEvery": 250 },
    "out": "runs/t1_to_t2"
  }
A phantom folder comes from 'lacuna medsynth phantom --subjects 20 --out phantom/'. Ready-made
configs: examples/medsynth/t1_to_t2_quick.json (~1.5 min on 2 cores) and
examples/medsynth/t1_to_t2_pix2pix.json (~1 h 45 min).`,
  async run(argv) {
    const o = parseOptions('medsynth train', argv, { config: { type: 'string' }, resume: { type: 'boolean' }, steps: { type: 'string' }, ...backendOptions });
    if (o.help) return printUsage(this.usage);
    if (!o.config) {
      console.error(`lacuna medsynth train: --config FILE is required\n\n${this.usage}`);
      return 2;
    }
    const config = await loadTrainConfig(resolve(o.config));
    const steps = o.steps === undefined ? config.train.steps : positiveInt('medsynth train', 'steps', o.steps, 1);
    const info = await startBackend('medsynth train', o);
    console.log(`lacuna medsynth train: ${config.data.source.join(' + ')} -> ${config.data.target}, ${config.model.arch}, ${info.backend} backend (${info.threads} thread(s)); out ${config.out}`);
    const result = await trainSynthesis({ ...config, train: { ...config.train, steps } }, { resume: o.resume ?? false, log: (m) => console.log(m) });
    const t = result.test;
    if (t) console.log(`test (${t.subjects} subject(s), inside the head mask): MAE ${t.mae.toFixed(4)}  PSNR ${t.psnr.toFixed(2)} dB  SSIM ${t.ssim.toFixed(4)}`);
    console.log(`model: ${result.modelDir}  (${result.seconds.toFixed(1)} s)`);
    return result.interrupted ? 130 : 0;
  },
};
