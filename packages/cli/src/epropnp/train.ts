/** `lacuna epropnp train`: trains the correspondence network (variants A-D) on a rendered set. */
import { resolve } from 'node:path';

import { loadPoseTrainConfig, parsePoseTrainConfig, trainPose, type PoseTrainConfig } from '@lacuna/epropnp';
import { backendOptions, parseOptions, positiveInt, printUsage, startBackend, type Command } from '../cli_args.js';

const NAME = 'epropnp train';

export const trainCommand: Command = {
  name: 'train',
  summary: 'train the correspondence network end to end through EPro-PnP (variants A-D)',
  usage: `lacuna epropnp train (--config FILE | --out DIR) [--variant A|B|C|D] [--object NAME]
                      [--data FILE|BOP_DIR] [--steps N] [--lr X] [--init MODEL_DIR] [--symmetry SPEC]
                      [--resume] [--threads N]

Trains a CDPN-style network that predicts object coordinates (x3d) and weights (w2d) per
pixel of a crop, and writes under the output folder: model/ (for 'lacuna epropnp eval' and
'predict'), checkpoints/ (--resume continues from the latest; Ctrl-C saves one) and
train.jsonl (losses per step). Variants (EPro-PnP, CVPR 2022, Table 1):
  A  coordinate regression + mask (surrogate losses), PnP only at test time
  B  Monte Carlo pose loss only          C  B + derivative regularisation
  D  C + coordinate regression (default C)
Without --data, the training set is rendered in memory (data.train samples, data.seed).

Config (JSON; every field has a default except "out"):
  { "object": "bunny", "variant": "C",
    "data":  { "file": null, "train": 2000, "seed": 1, "views": "upper" },
    "model": { "width": 16, "outputSize": 32, "hypotheses": 1 },
    "train": { "steps": 1500, "batchSize": 16, "lr": 0.001, "points": 128, "seed": 1, "checkpointEvery": 250,
               "init": null, "initHypotheses": "copy", "symmetryAware": true, "kernel": "huber" },
    "loss":  { "coord": 1, "mask": 1, "mc": 0.02, "t": 0.1, "r": 0.1 },
    "mcSamples": 512, "out": "runs/bunny_C" }

  --config FILE   the config (flags below override it)
  --out DIR       output folder (instead of a config)
  --variant V     A, B, C or D
  --object NAME   bunny, box or vase (default bunny; with --data, the data set's object)
  --data FILE     a data set from 'lacuna epropnp render' (its crop size sets the network input)
  --steps N       training steps
  --lr X          learning rate (Adam)
  --init DIR      start from a model folder's weights (as EPro-PnP starts from a trained CDPN:
                  train A first, then D from it with a lower --lr, as models/epropnp-bunny64-D)
  --resume        continue from the latest checkpoint in DIR/checkpoints
  --symmetry SPEC the object's symmetry, replacing the data's (e.g. a BOP set without the fields):
                  none, discrete:AXIS:ORDER or continuous:AXIS (AXIS x, y, z or 'a,b,c');
                  training then takes the nearest symmetric reading of the ground truth
  --threads N     wasm threads`,
  async run(argv) {
    const o = parseOptions(NAME, argv, {
      config: { type: 'string' }, out: { type: 'string' }, variant: { type: 'string' }, object: { type: 'string' },
      data: { type: 'string' }, steps: { type: 'string' }, lr: { type: 'string' }, init: { type: 'string' }, resume: { type: 'boolean' }, symmetry: { type: 'string' }, ...backendOptions,
    });
    if (o.help) return printUsage(this.usage);
    if (!o.config && !o.out) {
      console.error(`lacuna ${NAME}: give --config FILE or --out DIR\n\n${this.usage}`);
      return 2;
    }
    const base: PoseTrainConfig = o.config ? await loadPoseTrainConfig(resolve(o.config)) : parsePoseTrainConfig({ out: o.out }, 'command line');
    const config = parsePoseTrainConfig({
      ...base,
      ...(o.out ? { out: o.out } : {}),
      ...(o.variant ? { variant: o.variant } : {}),
      ...(o.object ? { object: o.object } : {}),
      data: { ...base.data, ...(o.data ? { file: resolve(o.data) } : {}), ...(o.symmetry ? { symmetry: o.symmetry } : {}) },
      train: {
        ...base.train,
        ...(o.steps ? { steps: positiveInt(NAME, 'steps', o.steps, 1) } : {}),
        ...(o.lr ? { lr: Number(o.lr) } : {}),  // the config schema checks it (train.lr)
        ...(o.init ? { init: resolve(o.init) } : {}),
      },
    }, o.config ?? 'command line');
    const info = await startBackend(NAME, o);
    console.log(`lacuna ${NAME}: ${config.object ?? (config.data.file ? `the object of ${config.data.file}` : 'bunny')}, variant ${config.variant}, ${config.train.steps} steps, ${info.backend} backend (${info.threads} thread(s)); out ${config.out}`);
    const r = await trainPose(config, { resume: o.resume ?? false });
    console.log(`model: ${r.modelDir}  (${r.seconds.toFixed(1)} s)`);
    return r.interrupted ? 130 : 0;
  },
};
