/** `lacuna epropnp eval`: LineMOD metrics of a trained model on a test set. */
import { resolve } from 'node:path';
import { ConfigError, data } from '@lacuna/core';
import { dataset, evaluatePoseNet, loadPoseModel, readDataset, renderDataset, type ObjectName, type PoseDataset } from '@lacuna/epropnp';
import { backendOptions, parseOptions, positiveInt, printUsage, startBackend, type Command } from '../cli_args.js';

const NAME = 'epropnp eval';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'score a trained model: ADD(-S) at 0.02d/0.05d/0.1d, 2deg2cm, 5deg5cm, 2D projection error',
  usage: `lacuna epropnp eval --model DIR [--data FILE|BOP_DIR [--split S] [--obj-id N] | --count N --seed S]
                     [--json FILE] [--bop-results FILE.csv]

Estimates the pose of every test crop (network -> weighted PnP: EPnP on the most confident
points and random-sample LM, then Levenberg-Marquardt) and prints LineMOD's metrics: ADD
(ADD-S for a symmetric object) pass rates at 0.02, 0.05 and 0.1 of the diameter, the share
within 2 deg / 2 cm and 5 deg / 5 cm, and the mean 2D projection error of the model's vertices; and the BOP challenge's average recalls
of the symmetry-aware MSSD (0.05-0.5 of the diameter) and MSPD (5-50 px) errors.
Without --data, N centred test crops are rendered (default 200, seed 1000).

  --model DIR   a model folder from 'lacuna epropnp train' (DIR/model)
  --data PATH   a test set from 'lacuna epropnp render --centred', or a BOP data set folder
                (its instances cropped around their boxes, as CDPN tests)
  --split S     the BOP split folder (default test when there is one, else train)
  --obj-id N    the BOP object (default: the only one)
  --bop-results FILE.csv  with a BOP folder: the estimates as BOP's results CSV
                (scene_id,im_id,obj_id,score,R,t,time) for the BOP toolkit
  --count N     test crops to render (default 200)
  --seed S      their seed (default 1000)
  --json FILE   also write the scores as JSON (atomically)`,
  async run(argv) {
    const o = parseOptions(NAME, argv, { ...backendOptions, model: { type: 'string' }, data: { type: 'string' }, count: { type: 'string' }, seed: { type: 'string' }, json: { type: 'string' }, split: { type: 'string' }, 'obj-id': { type: 'string' }, 'bop-results': { type: 'string' } });
    if (o.help) return printUsage(this.usage);
    if (!o.model) {
      console.error(`lacuna ${NAME}: --model DIR is required\n\n${this.usage}`);
      return 2;
    }
    await startBackend(NAME, o);
    const { meta, net } = await loadPoseModel(resolve(o.model));
    let test: PoseDataset;
    let bop: dataset.BopPoseDataset['bop'] | null = null;
    if (o.data && (await dataset.isBopFolder(resolve(o.data)))) {
      const dir = resolve(o.data);
      const split = o.split ?? ((await dataset.isBopSplit(dir, 'test')) ? 'test' : 'train');
      const read = await dataset.readBopDataset(dir, { split, cropSize: meta.inputSize, ...(o['obj-id'] ? { objId: positiveInt(NAME, 'obj-id', o['obj-id'], 1) } : {}) });
      if (Math.abs(read.object.diameter - meta.object.diameter) > 0.01 * meta.object.diameter) {
        throw new ConfigError(`lacuna ${NAME}: ${o.data} object ${read.bop.objIds[0]} is ${(read.object.diameter * 100).toFixed(1)} cm across, the model's '${meta.object.name}' ${(meta.object.diameter * 100).toFixed(1)} cm`, 'data');
      }
      test = read;
      bop = read.bop;
    } else if (o.data) {
      test = await readDataset(resolve(o.data));
      if (test.object.name !== meta.object.name) throw new ConfigError(`lacuna ${NAME}: ${o.data} holds '${test.object.name}', the model was trained on '${meta.object.name}'`, 'data');
      if (test.cropSize !== meta.inputSize) throw new ConfigError(`lacuna ${NAME}: ${o.data} has ${test.cropSize}px crops, the model takes ${meta.inputSize}px`, 'data');
    } else {
      const seed = o.seed === undefined ? 1000 : Number(o.seed);
      if (!Number.isSafeInteger(seed) || seed < 0) throw new ConfigError(`lacuna ${NAME}: --seed must be an integer >= 0, got '${o.seed}'`, 'seed');
      test = renderDataset({ object: meta.object.name as ObjectName, count: positiveInt(NAME, 'count', o.count, 200), seed, cropSize: meta.inputSize, views: 'upper', zoomIn: { shift: 0, scale: 0 } });
    }
    const s = evaluatePoseNet(net, meta.variant, test, meta.kernel ? { kernel: meta.kernel } : {});
    const a = s.accuracy;
    const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
    console.log(`${meta.object.name}, variant ${meta.variant}, ${test.count} test crops (${s.failures} PnP failures)`);
    console.log(`  ${a.addKind} 0.02d ${pct(a.add['0.02']!)}   0.05d ${pct(a.add['0.05']!)}   0.1d ${pct(a.add['0.1']!)}`);
    console.log(`  2deg 2cm ${pct(a.degCm['2deg2cm']!)}   5deg 5cm ${pct(a.degCm['5deg5cm']!)}   2D proj < 5 px ${pct(a.proj5px)}   mean 2D proj ${s.proj2dPx.toFixed(2)} px`);
    console.log(`  BOP (symmetry-aware): AR_MSSD ${pct(a.arMssd)}   AR_MSPD ${pct(a.arMspd)}`);
    if (o['bop-results']) {
      if (!bop) throw new ConfigError(`lacuna ${NAME}: --bop-results needs --data to be a BOP folder`, 'bop-results');
      const rows = [];
      for (let i = 0; i < test.count; i++) {
        const pose = s.poses.subarray(i * 7, i * 7 + 7);
        if (Number.isNaN(pose[0]!)) continue;
        rows.push({ sceneId: bop.sceneIds[i]!, imId: bop.imIds[i]!, objId: bop.objIds[i]!, score: 1, pose, seconds: s.seconds[i]! });
      }
      await data.writeFileAtomic(resolve(o['bop-results']), new TextEncoder().encode(dataset.bopResultsCsv(rows)), `lacuna ${NAME} --bop-results`);
      console.log(`wrote ${rows.length} estimates to ${o['bop-results']} (BOP results CSV)`);
    }
    if (o.json) await data.writeFileAtomic(resolve(o.json), new TextEncoder().encode(`${JSON.stringify({ variant: meta.variant, object: meta.object.name, count: test.count, failures: s.failures, accuracy: a, proj2dPx: s.proj2dPx }, null, 2)}\n`), `lacuna epropnp eval --json`);
    net.dispose();
    return 0;
  },
};
