/** `lacuna epropnp eval`: LineMOD metrics of a trained model on a test set. */
import { resolve } from 'node:path';
import { ConfigError, data } from '@lacuna/core';
import { evaluatePoseNet, loadPoseModel, readDataset, renderDataset, type ObjectName, type PoseDataset } from '@lacuna/epropnp';
import { backendOptions, parseOptions, positiveInt, printUsage, startBackend, type Command } from '../cli_args.js';

const NAME = 'epropnp eval';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'score a trained model: ADD(-S) at 0.02d/0.05d/0.1d, 2deg2cm, 5deg5cm, 2D projection error',
  usage: `lacuna epropnp eval --model DIR [--data FILE | --count N --seed S] [--json FILE]

Estimates the pose of every test crop (network -> weighted PnP: EPnP on the most confident
points and random-sample LM, then Levenberg-Marquardt) and prints LineMOD's metrics: ADD
(ADD-S for a symmetric object) pass rates at 0.02, 0.05 and 0.1 of the diameter, the share
within 2 deg / 2 cm and 5 deg / 5 cm, and the mean 2D projection error of the model's vertices.
Without --data, N centred test crops are rendered (default 200, seed 1000).

  --model DIR   a model folder from 'lacuna epropnp train' (DIR/model)
  --data FILE   a test set from 'lacuna epropnp render --centred'
  --count N     test crops to render (default 200)
  --seed S      their seed (default 1000)
  --json FILE   also write the scores as JSON (atomically)`,
  async run(argv) {
    const o = parseOptions(NAME, argv, { ...backendOptions, model: { type: 'string' }, data: { type: 'string' }, count: { type: 'string' }, seed: { type: 'string' }, json: { type: 'string' } });
    if (o.help) return printUsage(this.usage);
    if (!o.model) {
      console.error(`lacuna ${NAME}: --model DIR is required\n\n${this.usage}`);
      return 2;
    }
    await startBackend(NAME, o);
    const { meta, net } = await loadPoseModel(resolve(o.model));
    let test: PoseDataset;
    if (o.data) {
      test = await readDataset(resolve(o.data));
      if (test.object.name !== meta.object.name) throw new ConfigError(`lacuna ${NAME}: ${o.data} holds '${test.object.name}', the model was trained on '${meta.object.name}'`, 'data');
      if (test.cropSize !== meta.inputSize) throw new ConfigError(`lacuna ${NAME}: ${o.data} has ${test.cropSize}px crops, the model takes ${meta.inputSize}px`, 'data');
    } else {
      const seed = o.seed === undefined ? 1000 : Number(o.seed);
      if (!Number.isSafeInteger(seed) || seed < 0) throw new ConfigError(`lacuna ${NAME}: --seed must be an integer >= 0, got '${o.seed}'`, 'seed');
      test = renderDataset({ object: meta.object.name as ObjectName, count: positiveInt(NAME, 'count', o.count, 200), seed, cropSize: meta.inputSize, views: 'upper', zoomIn: { shift: 0, scale: 0 } });
    }
    const s = evaluatePoseNet(net, meta.variant, test);
    const a = s.accuracy;
    const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
    console.log(`${meta.object.name}, variant ${meta.variant}, ${test.count} test crops (${s.failures} PnP failures)`);
    console.log(`  ${a.addKind} 0.02d ${pct(a.add['0.02']!)}   0.05d ${pct(a.add['0.05']!)}   0.1d ${pct(a.add['0.1']!)}`);
    console.log(`  2deg 2cm ${pct(a.degCm['2deg2cm']!)}   5deg 5cm ${pct(a.degCm['5deg5cm']!)}   2D proj < 5 px ${pct(a.proj5px)}   mean 2D proj ${s.proj2dPx.toFixed(2)} px`);
    if (o.json) await data.writeFileAtomic(resolve(o.json), new TextEncoder().encode(`${JSON.stringify({ variant: meta.variant, object: meta.object.name, count: test.count, failures: s.failures, accuracy: a, proj2dPx: s.proj2dPx }, null, 2)}\n`), `lacuna epropnp eval --json`);
    net.dispose();
    return 0;
  },
};
