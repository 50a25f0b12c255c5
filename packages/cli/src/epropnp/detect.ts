/** `lacuna epropnp detect <render|train|eval|predict>`: monocular 3-D detection in rendered driving-like scenes. */
import { resolve } from 'node:path';
import { ConfigError, data, train } from '@lacuna/core';
import { detection } from '@lacuna/epropnp';
import { backendOptions, commandGroup, parseOptions, positiveInt, printUsage, startBackend, type Command } from '../cli_args.js';

/** Default test scenes when no set is given: a seed no training run uses by default. */
const TEST_SEED = 9001;

function progressReporter(label: string, total: number): (done: number) => void {
  const p = new train.Progress({ total, label });
  return (done) => p.update(done);
}

const renderCommand: Command = {
  name: 'render',
  summary: 'render a set of driving-like scenes as BOP files (several objects per image)',
  usage: `lacuna epropnp detect render --count N --out DIR [--seed S] [--split NAME]

Renders N scenes (128x96, a camera 1.5 m above a textured road with nuScenes' front-camera
intrinsics scaled down; two to five cars and pedestrians each, 4-DoF poses, occluding one
another) and writes them in BOP's layout: camera.json, models/, SPLIT/000000/rgb/*.png,
mask/ and mask_visib/, scene_gt.json listing every object of an image (cam_R_m2c, cam_t_m2c
of the box centre in mm, obj_id 1 car / 2 pedestrian, size_m [w, h, l]), scene_gt_info.json
(2-D boxes, pixel counts, visibility), and scenes.json. Scene i depends only on the seed and i.
The folder is written atomically.

  --count N      scenes (required)
  --out DIR      output folder (required)
  --seed S       default 1
  --split NAME   split folder, default train`,
  async run(argv) {
    const o = parseOptions('epropnp detect render', argv, { count: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' }, split: { type: 'string' } });
    if (o.help) return printUsage(this.usage);
    if (!o.count || !o.out) {
      console.error(`lacuna epropnp detect render: --count and --out are required\n\n${this.usage}`);
      return 2;
    }
    const count = positiveInt('epropnp detect render', 'count', o.count, 1);
    const seed = Number(o.seed ?? 1);
    if (!Number.isInteger(seed)) throw new ConfigError(`lacuna epropnp detect render: --seed must be an integer, got '${o.seed}'`, 'seed', o.seed);
    const report = progressReporter('detect render', count);
    await detection.writeSceneSet(resolve(o.out), { count, seed, split: o.split ?? 'train', onProgress: report });
    console.log(`wrote ${count} scenes to ${resolve(o.out)} (split ${o.split ?? 'train'}, seed ${seed})`);
    return 0;
  },
};

/** Scenes in memory: a scene set's split, or rendered from a seed. */
async function scenes(command: string, dir: string | undefined, split: string | undefined, count: string | undefined, seed: number, fallback: number): Promise<detection.DetectionData> {
  if (dir) return detection.loadDetectionData(await detection.openSceneSet(resolve(dir), split ?? 'train'), count ? positiveInt(command, 'scenes', count, fallback) : Infinity);
  const n = positiveInt(command, 'scenes', count, fallback);
  const report = progressReporter(`render ${n} scenes`, n);
  return detection.renderDetectionData(n, seed, undefined, report);
}

const trainCommand: Command = {
  name: 'train',
  summary: 'train the direct (FCOS3D-style) detector',
  usage: `lacuna epropnp detect train --out DIR [--head direct|epropnp] [--data SCENES_DIR [--split NAME] | --scenes N]
                              [--seed S] [--steps N] [--batch N] [--lr X] [--channels N] [--resume] [--threads N]

Trains a detector: a small backbone to stride 16 and back to one output level at stride 4, a
dense head with classification (focal loss), centerness and the 2-D box, and the pose:
  direct   per location the object's projected-centre offset, depth, size and yaw (sin/cos of
           the angle seen from the camera), regressed as FCOS3D does (default)
  epropnp  per object, EPro-PnP's deformable-correspondence head: 32 points sampled around the
           object's 2-D box, each with free object coordinates and weights, the pose from the
           4-DoF EPro-PnP layer, trained by the Monte Carlo pose loss (no coordinate supervision)
Writes DIR/model (for eval and predict),
DIR/checkpoints (--resume continues from the latest; Ctrl-C saves one) and DIR/train.jsonl.

  --out DIR       output folder (required)
  --data DIR      a scene set from 'lacuna epropnp detect render' (default: render --scenes in memory)
  --split NAME    its split, default train
  --scenes N      scenes rendered in memory from --seed (default 4000), or the first N of --data
  --seed S        scene seed and training seed, default 1
  --steps N       default 2000        --batch N   default 16
  --lr X          peak learning rate (Adam, cosine), default 0.002
  --channels N    network width at stride 2, default 16
  --resume        continue from DIR/checkpoints`,
  async run(argv) {
    const name = 'epropnp detect train';
    const o = parseOptions(name, argv, {
      out: { type: 'string' }, data: { type: 'string' }, split: { type: 'string' }, scenes: { type: 'string' }, seed: { type: 'string' },
      steps: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' }, channels: { type: 'string' }, head: { type: 'string' }, resume: { type: 'boolean' }, ...backendOptions,
    });
    if (o.help) return printUsage(this.usage);
    if (!o.out) {
      console.error(`lacuna ${name}: --out is required\n\n${this.usage}`);
      return 2;
    }
    const seed = Number(o.seed ?? 1);
    if (!Number.isInteger(seed)) throw new ConfigError(`lacuna ${name}: --seed must be an integer, got '${o.seed}'`, 'seed', o.seed);
    const head = o.head ?? 'direct';
    if (head !== 'direct' && head !== 'epropnp') throw new ConfigError(`lacuna ${name}: --head must be direct or epropnp, got '${o.head}'`, 'head', o.head);
    const lr = o.lr === undefined ? 2e-3 : Number(o.lr);
    if (!(lr > 0 && lr < 1)) throw new ConfigError(`lacuna ${name}: --lr must be a number in (0, 1), got '${o.lr}'`, 'lr', o.lr);
    const info = await startBackend(name, o);
    const d = await scenes(name, o.data, o.split, o.scenes, seed, 4000);
    const steps = positiveInt(name, 'steps', o.steps, 2000);
    console.log(`lacuna ${name}: ${head} head, ${d.count} scenes, ${steps} steps, ${info.backend} backend (${info.threads} thread(s)); out ${resolve(o.out)}`);
    const r = await detection.trainDetector({ out: resolve(o.out), data: d, head, steps, batchSize: positiveInt(name, 'batch', o.batch, 16), lr, seed, channels: positiveInt(name, 'channels', o.channels, 16), resume: o.resume ?? false });
    console.log(`model: ${r.modelDir}  (${r.seconds.toFixed(1)} s)`);
    return r.interrupted ? 130 : 0;
  },
};

function metricsTable(m: detection.DetectionMetrics): string {
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '  -  ');
  const lines = [`mAP ${f(m.map)}  ATE ${f(m.ate)} m  ASE ${f(m.ase)}  AOE ${f(m.aoe)} rad  NDS ${f(m.nds)}`, '', `class        AP@${m.thresholds.join('/')} m           mAP    ATE    ASE    AOE   truth  predicted`];
  for (const [cls, c] of Object.entries(m.perClass)) lines.push(`${cls.padEnd(12)} ${c.ap.map(f).join(' ')}  ${f(c.map)}  ${f(c.errors.ate)}  ${f(c.errors.ase)}  ${f(c.errors.aoe)}  ${String(c.truth).padStart(5)}  ${String(c.predicted).padStart(9)}`);
  lines.push('', 'range (m)    mAP    truth');
  for (const [band, b] of Object.entries(m.perDistance)) lines.push(`${band.padEnd(12)} ${f(b.map)}  ${String(b.truth).padStart(5)}`);
  return lines.join('\n');
}

const evalCommand: Command = {
  name: 'eval',
  summary: 'nuScenes-style metrics of a detector (mAP, ATE, ASE, AOE, NDS, per range)',
  usage: `lacuna epropnp detect eval --model DIR [--data SCENES_DIR [--split NAME] | --scenes N --seed S]
                             [--uncertainty-scoring R] [--json FILE]

Detects the objects of every test scene and scores them as nuScenes does, at this scale: mAP
over centre-distance thresholds 0.5, 1, 2, 4 m on the ground plane, ATE (m), ASE (1 - aligned
3-D IoU), AOE (rad; pedestrians have no heading), NDS = (5 mAP + sum of (1 - min(1, error))) / 8,
and mAP per range band.

  --model DIR    a folder from 'lacuna epropnp detect train' (DIR or DIR/model)
  --data DIR     a scene set (default: --scenes rendered from --seed)
  --split NAME   its split, default test if it exists, else train
  --scenes N     default 500          --seed S   default ${TEST_SEED}
  --uncertainty-scoring R   EPro-PnP head: score = s^(1-R) q^R, q from the pose distribution's
                 ground-plane spread (default 0.5, chosen on validation scenes; 0: the dense score)
  --json FILE    also write the metrics as JSON (atomically)`,
  async run(argv) {
    const name = 'epropnp detect eval';
    const o = parseOptions(name, argv, { model: { type: 'string' }, data: { type: 'string' }, split: { type: 'string' }, scenes: { type: 'string' }, seed: { type: 'string' }, 'uncertainty-scoring': { type: 'string' }, json: { type: 'string' }, ...backendOptions });
    if (o.help) return printUsage(this.usage);
    if (!o.model) {
      console.error(`lacuna ${name}: --model is required\n\n${this.usage}`);
      return 2;
    }
    await startBackend(name, o);
    const model = await detection.loadDetector(resolve(o.model));
    const split = o.split ?? (o.data && (await import('node:fs')).existsSync(resolve(o.data, 'test')) ? 'test' : 'train');
    const d = await scenes(name, o.data, split, o.scenes, Number(o.seed ?? TEST_SEED), 500);
    const m = detection.evaluateDetector(model, d, uncertaintyScoring(name, o['uncertainty-scoring']));
    console.log(`${d.count} scenes${o.data ? ` of ${resolve(o.data)} (${split})` : ` rendered from seed ${o.seed ?? TEST_SEED}`}\n`);
    console.log(metricsTable(m));
    if (o.json) await data.writeFileAtomic(resolve(o.json), new TextEncoder().encode(`${JSON.stringify(m, null, 2)}\n`), `lacuna ${name} --json`);
    return 0;
  },
};

const predictCommand: Command = {
  name: 'predict',
  summary: 'detect the objects of one image; draw 3-D boxes and a bird\'s-eye view',
  usage: `lacuna epropnp detect predict --model DIR (--image PNG | --data SCENES_DIR [--split NAME] --index I)
                                [--min-score X] [--picture PNG] [--json FILE]

Prints each detection: class, score, centre (m, camera frame), size [w, h, l] (m) and yaw
(rad). --image takes a PNG of the model's size (128x96) from the model's camera; with --data
the scene's ground truth is drawn too.

  --model DIR     a folder from 'lacuna epropnp detect train'
  --image PNG     the image              --data DIR --index I   scene I of a scene set
  --min-score X   default 0.3
  --uncertainty-scoring R   EPro-PnP head: how much the score trusts the pose distribution (default 0.5)
  --picture PNG   the image with the projected 3-D boxes (truth white, cars green, pedestrians
                  orange) beside a bird's-eye view (40 m x 40 m, 5 m grid); for an EPro-PnP
                  model also PNG_points.png (the sampled points coloured by their x weight, left,
                  and y weight, right) and PNG_distribution.png (each object's centre-position
                  density from 512 AMIS samples in a bird's-eye view, and its yaw distribution)
  --json FILE     the detections as JSON (atomically)`,
  async run(argv) {
    const name = 'epropnp detect predict';
    const o = parseOptions(name, argv, { model: { type: 'string' }, image: { type: 'string' }, data: { type: 'string' }, split: { type: 'string' }, index: { type: 'string' }, 'min-score': { type: 'string' }, 'uncertainty-scoring': { type: 'string' }, picture: { type: 'string' }, json: { type: 'string' }, ...backendOptions });
    if (o.help) return printUsage(this.usage);
    if (!o.model || (!o.image && !o.data) || (o.image && o.data)) {
      console.error(`lacuna ${name}: give --model and one of --image or --data\n\n${this.usage}`);
      return 2;
    }
    const minScore = o['min-score'] === undefined ? 0.3 : Number(o['min-score']);
    if (!(minScore >= 0 && minScore < 1)) throw new ConfigError(`lacuna ${name}: --min-score must be in [0, 1), got '${o['min-score']}'`, 'min-score', o['min-score']);
    await startBackend(name, o);
    const model = await detection.loadDetector(resolve(o.model));
    const { width: W, height: H } = model.meta;
    let image: Float32Array, truth: readonly detection.Box3D[] = [];
    if (o.data) {
      const set = await detection.openSceneSet(resolve(o.data), o.split ?? 'train');
      const i = Number(o.index ?? 0);
      if (!(Number.isInteger(i) && i >= 0 && i < set.count)) throw new ConfigError(`lacuna ${name}: --index must be an integer in 0..${set.count - 1}, got '${o.index}'`, 'index', o.index);
      if (set.width !== W || set.height !== H) throw new ConfigError(`lacuna ${name}: ${o.data} holds ${set.width}x${set.height} images, the model takes ${W}x${H}`, 'data');
      image = await set.image(i);
      truth = set.truth(i).boxes;
    } else {
      const png = await data.readImage(resolve(o.image!));
      const [h, w, c] = png.shape;
      if (h !== H || w !== W) throw new ConfigError(`lacuna ${name}: ${o.image} is ${w}x${h}, the model takes ${W}x${H} images`, 'image');
      image = new Float32Array(W * H * 3);
      for (let p = 0; p < W * H; p++) for (let k = 0; k < 3; k++) image[p * 3 + k] = png.data[p * c + Math.min(k, c - 1)]!;
    }
    const [found] = detection.detect(model, image, 1, { minScore, ...uncertaintyScoring(name, o['uncertainty-scoring']) });
    const f = (v: readonly number[]) => v.map((x) => x.toFixed(2)).join(', ');
    console.log(`${found!.length} detection(s) with score >= ${minScore}${o.data ? ` (${truth.length} objects in the scene)` : ''}`);
    for (const d of found!) console.log(`  ${d.label.padEnd(11)} score ${d.score.toFixed(3)}  centre [${f(d.centre)}] m  size [${f(d.size)}] m  yaw ${d.yaw.toFixed(2)} rad`);
    if (o.picture) {
      const pic = detection.detectionPicture(image, W, H, model.meta.intrinsics, truth, found!, { classes: model.meta.classes });
      await data.writePng(resolve(o.picture), pic);
      console.log(`picture: ${resolve(o.picture)}`);
      if (model.deformable && found!.length) {
        const stem = resolve(o.picture).replace(/\.png$/i, '');
        await data.writePng(`${stem}_points.png`, detection.correspondencePicture(image, W, H, found!));
        const samples = found!.map((d, k) => detection.detectionPoseSamples(d, model.meta.intrinsics, { seed: k }));
        // Each detection's nearest true box of its class, for the yaw strip.
        const nearest = found!.map((d) => truth.filter((b) => b.label === d.label).sort((a, b) => detection.groundDistance(a, d) - detection.groundDistance(b, d))[0] ?? null);
        await data.writePng(`${stem}_distribution.png`, detection.distributionPicture(found!, samples, nearest));
        console.log(`pictures: ${stem}_points.png, ${stem}_distribution.png`);
      }
    }
    if (o.json) await data.writeFileAtomic(resolve(o.json), new TextEncoder().encode(`${JSON.stringify({ detections: found }, null, 2)}\n`), `lacuna ${name} --json`);
    return 0;
  },
};

// The group is named for its usage lines ('lacuna epropnp detect'); under 'epropnp' it answers to 'detect'.
export const detectCommand: Command = { ...commandGroup(
  'epropnp detect',
  'monocular 3-D detection in driving-like scenes (render, train, eval, predict)',
  'Monocular 3-D object detection in rendered driving-like scenes: the direct (FCOS3D-style) detector, the baseline of EPro-PnP\'s Table 3.',
  [renderCommand, trainCommand, evalCommand, predictCommand],
), name: 'detect' };

/** `--uncertainty-scoring R` as detect's option (absent: the model's default). */
function uncertaintyScoring(name: string, value: string | undefined): { uncertaintyScoring?: number } {
  if (value === undefined) return {};
  const r = Number(value);
  if (!(r >= 0 && r <= 1)) throw new ConfigError(`lacuna ${name}: --uncertainty-scoring must be a number in [0, 1], got '${value}'`, 'uncertainty-scoring', value);
  return { uncertaintyScoring: r };
}
