/** `lacuna epropnp predict`: the pose of one crop, with its uncertainty. */
import { resolve } from 'node:path';
import { ConfigError, data } from '@lacuna/core';
import { dataset, geometry, loadPoseModel, problem, readDataset, workflow, LINEMOD_INTRINSICS, type Intrinsics } from '@lacuna/epropnp';

const { predictionPicture } = workflow;
const { quaternionAngleDeg } = geometry;
const { describeStatus } = problem;
import { backendOptions, parseOptions, printUsage, startBackend, type Command } from '../cli_args.js';

const NAME = 'epropnp predict';

function numbers(name: string, value: string, count: number): number[] {
  const v = value.split(',').map(Number);
  if (v.length !== count || v.some((x) => !Number.isFinite(x))) throw new ConfigError(`lacuna ${NAME}: --${name} needs ${count} comma-separated numbers, got '${value}'`, name, value);
  return v;
}

/** A square PNG crop as RGB in [0, 1]. */
async function pngCrop(path: string): Promise<{ rgb: Float32Array; size: number }> {
  const png = await data.readPng(path);
  const [h, w, c] = png.shape;
  if (h !== w) throw new ConfigError(`lacuna ${NAME}: ${path} is ${w}x${h}; a crop is square`, 'image');
  const rgb = new Float32Array(h * w * 3);
  for (let i = 0; i < h * w; i++) for (let k = 0; k < 3; k++) rgb[i * 3 + k] = png.data[i * c + Math.min(k, c - 1)]!;
  return { rgb, size: h };
}

/** Sample `index` of a rendered data set: its crop, box, camera and true pose. */
async function sampleCrop(path: string, index: string | undefined) {
  const ds = await readDataset(path);
  const i = index === undefined ? 0 : Number(index);
  if (!(Number.isInteger(i) && i >= 0 && i < ds.count)) throw new ConfigError(`lacuna ${NAME}: --index must be an integer in 0..${ds.count - 1} for ${path}, got '${index}'`, 'index', index);
  const s = dataset.datasetSample(ds, i);
  return { rgb: s.rgb, size: ds.cropSize, box: s.box, intrinsics: ds.intrinsics, truth: s.pose };
}

export const predictCommand: Command = {
  name: 'predict',
  summary: 'estimate the pose of one image crop, with its uncertainty',
  usage: `lacuna epropnp predict --model DIR (--image CROP.png --box CX,CY,SIZE | --data FILE --index I)
                        [--intrinsics FX,FY,CX,CY] [--json FILE] [--picture PNG]

Runs the network on the crop (a square PNG of the model's input size, cut from the image at
the box: centre CX,CY and side SIZE in image pixels), solves the weighted PnP problem and
prints the pose as a quaternion, a rotation vector and a translation (metres), with its
uncertainty: the standard deviations of the Laplace approximation (J^T J)^-1 at the solution
and the spread of 512 AMIS samples of the pose distribution p(y | X).

  --model DIR         a model folder from 'lacuna epropnp train' (DIR/model)
  --image FILE        the crop, RGB or grey PNG
  --box CX,CY,SIZE    the crop's box in image pixels
  --data FILE         instead of --image and --box: sample I (--index, default 0) of a data set
                      from 'lacuna epropnp render', with its camera; its true pose is printed too
  --intrinsics F,F,C,C  fx,fy,cx,cy (default: the model's, LineMOD's)
  --json FILE         also write the result as JSON (atomically)
  --picture PNG       also write a picture: crop | weight map w2d | object coordinates x3d, and
                      the crop with the AMIS pose samples (projected object origin, white, and
                      +x end of the object's box, cyan)`,
  async run(argv) {
    const o = parseOptions(NAME, argv, { ...backendOptions,
      model: { type: 'string' }, image: { type: 'string' }, box: { type: 'string' }, data: { type: 'string' }, index: { type: 'string' },
      intrinsics: { type: 'string' }, json: { type: 'string' }, picture: { type: 'string' },
    });
    if (o.help) return printUsage(this.usage);
    const need = o.data ? ['model'] as const : ['model', 'image', 'box'] as const;
    for (const k of need) {
      if (!o[k]) {
        console.error(`lacuna ${NAME}: --${k} is required (or --data FILE --index I instead of --image and --box)\n\n${this.usage}`);
        return 2;
      }
    }
    if (o.data && (o.image || o.box)) throw new ConfigError(`lacuna ${NAME}: give --data (with --index) or --image and --box, not both`, 'data');
    await startBackend(NAME, o);
    const { meta, net } = await loadPoseModel(resolve(o.model!));
    const crop = o.data ? await sampleCrop(resolve(o.data), o.index) : { ...(await pngCrop(resolve(o.image!))), box: numbers('box', o.box!, 3), intrinsics: undefined, truth: undefined };
    const { rgb, box } = crop;
    const [h, w] = [crop.size, crop.size];
    if (h !== meta.inputSize) throw new ConfigError(`lacuna ${NAME}: ${o.image ?? `sample ${o.index ?? 0} of ${o.data}`} is ${w}x${h}, the model takes ${meta.inputSize}x${meta.inputSize} crops`, o.data ? 'data' : 'image');
    if (!(box[2]! > 0)) throw new ConfigError(`lacuna ${NAME}: the box size must be positive, got ${box[2]}`, 'box');
    const intrinsics: Intrinsics = o.intrinsics ? (([fx, fy, cx, cy]) => ({ fx: fx!, fy: fy!, cx: cx!, cy: cy! }))(numbers('intrinsics', o.intrinsics, 4)) : crop.intrinsics ?? meta.intrinsics ?? LINEMOD_INTRINSICS;
    const [e] = workflow.estimateCropPoses([rgb], [{ cx: box[0]!, cy: box[1]!, size: box[2]! }], { meta, net }, { camera: intrinsics });
    net.dispose();
    const est = e!;
    const status = est.status;
    if (status !== 'ok' && status !== 'poor-fit') throw new ConfigError(`lacuna ${NAME}: no pose: the network's correspondences are degenerate (${status}: ${describeStatus(status)})`, 'image');
    if (status === 'poor-fit') console.warn(`warning: ${o.image}: poor fit: ${describeStatus(status)}; the pose below is the best fit, its uncertainty is scaled to the residuals`);
    const pose = est.pose;
    const { rvec, t: tvec } = est;
    const cov = est.covariance;
    const laplace = { t: [0, 1, 2].map((i) => Math.sqrt(cov[i * 7]!)), rotDeg: [3, 4, 5].map((i) => (2 * Math.sqrt(cov[i * 7]!) * 180) / Math.PI) };
    const dist = { samples: est.samples, weights: est.sampleWeights, translationStd: est.uncertainty.translationStd, rotationRmsDeg: est.uncertainty.rotationStdDeg, ess: est.uncertainty.ess };
    const f = (v: ArrayLike<number>, d = 4) => Array.from(v, (x) => x.toFixed(d)).join(', ');
    console.log(`pose (x_cam = R x_obj + t), ${meta.object.name}, model variant ${meta.variant}`);
    console.log(`  t (m)            [${f(tvec)}]`);
    console.log(`  q [w, i, j, k]   [${f(pose.subarray(3))}]`);
    console.log(`  rvec (rad)       [${f(rvec)}]`);
    if (crop.truth) {
      console.log(`  true t (m)       [${f(crop.truth.subarray(0, 3))}]  (sample ${o.index ?? 0} of ${o.data})`);
      console.log(`  error            rotation ${quaternionAngleDeg(pose, crop.truth, 3, 3).toFixed(2)} deg, translation ${(1000 * Math.hypot(pose[0]! - crop.truth[0]!, pose[1]! - crop.truth[1]!, pose[2]! - crop.truth[2]!)).toFixed(1)} mm`);
    }
    console.log('uncertainty');
    console.log(`  Laplace std: t [${laplace.t.map((x) => (1000 * x).toFixed(1)).join(', ')}] mm, rotation [${laplace.rotDeg.map((x) => x.toFixed(2)).join(', ')}] deg about the camera axes`);
    console.log(`  AMIS (512 samples, ESS ${dist.ess.toFixed(0)}): t std [${dist.translationStd.map((x) => (1000 * x).toFixed(1)).join(', ')}] mm, rotation RMS ${dist.rotationRmsDeg.toFixed(2)} deg`);
    if (o.picture) {
      await data.writePng(resolve(o.picture), predictionPicture(rgb, meta.inputSize, est.maps, 0, box, intrinsics, dist, meta.object.halfExtent));
    }
    if (o.json) {
      // The fields of the library's estimatePose result (PoseEstimate), as plain JSON.
      const { maps: _maps, ...result } = est;
      const plain = Object.fromEntries(Object.entries(result).map(([k, v]) => [k, ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v]));
      await data.writeFileAtomic(resolve(o.json), new TextEncoder().encode(`${JSON.stringify({ ...plain, tvec: Array.from(tvec), amis: { translationStd: dist.translationStd, rotationRmsDeg: dist.rotationRmsDeg, ess: dist.ess } }, null, 2)}\n`), `lacuna epropnp predict --json`);
    }
    return 0;
  },
};
