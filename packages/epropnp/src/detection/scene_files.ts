/**
 * Driving-scene sets on disk (Node), in BOP's layout with several objects per image:
 *   scenes.json              Lacuna's index: format, classes (BOP object id = index + 1), count, seed
 *   camera.json              BOP camera (one camera for the set)
 *   models/                  obj_000001.ply (car) and obj_000002.ply (pedestrian) at the class's
 *                            mean size (mm), models_info.json
 *   SPLIT/000000/            up to 1000 images a folder: rgb/{im:06d}.png, mask/ and mask_visib/
 *                            {im:06d}_{gt:06d}.png, scene_camera.json, scene_gt.json (every object of
 *                            an image: cam_R_m2c, cam_t_m2c of the box centre in mm, obj_id, and
 *                            `size_m` [w, h, l], since instances vary in size), scene_gt_info.json
 * Written atomically; read back lazily: the JSON up front, each image when asked for.
 */
import { readdir, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { data, IOError, train, ValueError } from '@lacuna/core';
import type { Intrinsics } from '../geometry/camera.js';
import { encodePly } from '../render/ply.js';
import { bopId, type BopGtInfo } from '../dataset/bop.js';
import { sampleRandom } from '../dataset/pose_dataset.js';
import { renderScene, type SceneOptions } from './render_scene.js';
import { objectMesh, MEAN_SIZES, SCENE_CLASSES, type SceneClass } from './scene_objects.js';
import { wrapAngle, type Box3D } from './box3d.js';

const IMAGES_PER_FOLDER = 1000;
export const SCENE_SET_FORMAT = 'lacuna-driving-scenes';

/** One object of scene_gt.json. */
interface SceneGt {
  readonly cam_R_m2c: number[];
  readonly cam_t_m2c: number[];
  readonly obj_id: number;
  readonly size_m: number[];
}

export interface WriteScenesOptions {
  readonly count: number;
  readonly seed: number;
  /** Default 'train'. */
  readonly split?: string;
  readonly scene?: SceneOptions;
  readonly onProgress?: (done: number, total: number) => void;
}

const json = (v: unknown) => new TextEncoder().encode(`${JSON.stringify(v)}\n`);

/** Renders `count` scenes (scene i from seed and i) and writes them as a BOP-layout set at `dir`. */
export async function writeSceneSet(dir: string, o: WriteScenesOptions): Promise<void> {
  if (!(Number.isInteger(o.count) && o.count >= 1)) throw new ValueError(`writeSceneSet: count must be an integer >= 1, got ${o.count}`);
  const split = o.split ?? 'train';
  await train.writeDirAtomic(dir, async (tmp) => {
    await mkdir(join(tmp, 'models'), { recursive: true });
    const infos: Record<string, unknown> = {};
    for (const [k, cls] of SCENE_CLASSES.entries()) {
      const size = MEAN_SIZES[cls];
      const mesh = objectMesh(cls, size, new data.Random(k + 1));
      await writeFile(join(tmp, 'models', `obj_${bopId(k + 1)}.ply`), encodePly({ vertices: Float32Array.from(mesh.vertices, (x) => x * 1000), faces: mesh.faces, colors: mesh.colors }, [`lacuna: ${cls} at its mean size, millimetres`]));
      const mm = size.map((s) => s * 1000);
      infos[k + 1] = { diameter: Math.hypot(...mm), min_x: -mm[0]! / 2, min_y: -mm[1]! / 2, min_z: -mm[2]! / 2, size_x: mm[0], size_y: mm[1], size_z: mm[2], ...(cls === 'pedestrian' ? { symmetries_continuous: [{ axis: [0, 1, 0], offset: [0, 0, 0] }] } : {}) };
    }
    await writeFile(join(tmp, 'models', 'models_info.json'), json(infos));
    let camera: { K: Intrinsics; W: number; H: number } | null = null;
    for (let folder = 0; folder * IMAGES_PER_FOLDER < o.count; folder++) {
      const folderDir = join(tmp, split, bopId(folder));
      for (const sub of ['rgb', 'mask', 'mask_visib']) await mkdir(join(folderDir, sub), { recursive: true });
      const cams: Record<string, unknown> = {}, gts: Record<string, SceneGt[]> = {}, gtInfos: Record<string, BopGtInfo[]> = {};
      for (let im = 0; im < IMAGES_PER_FOLDER && folder * IMAGES_PER_FOLDER + im < o.count; im++) {
        const i = folder * IMAGES_PER_FOLDER + im;
        const s = renderScene(sampleRandom(o.seed, i), o.scene);
        camera ??= { K: s.intrinsics, W: s.width, H: s.height };
        const [W, H] = [s.width, s.height];
        const name = bopId(im);
        await writeFile(join(folderDir, 'rgb', `${name}.png`), data.encodePng({ data: s.image, shape: [H, W, 3] }));
        for (const [g, ob] of s.objects.entries()) {
          await writeFile(join(folderDir, 'mask', `${name}_${bopId(g)}.png`), data.encodePng({ data: Float32Array.from(ob.objectMask), shape: [H, W, 1] }));
          await writeFile(join(folderDir, 'mask_visib', `${name}_${bopId(g)}.png`), data.encodePng({ data: Float32Array.from(ob.mask), shape: [H, W, 1] }));
        }
        const K = s.intrinsics;
        cams[im] = { cam_K: [K.fx, K.s ?? 0, K.cx, 0, K.fy, K.cy, 0, 0, 1], depth_scale: 1 };
        gts[im] = s.objects.map((ob) => boxToGt(ob.box));
        gtInfos[im] = s.objects.map((ob) => ({ bbox_obj: ob.bboxObj, bbox_visib: ob.bboxVisib, px_count_all: ob.pxCountAll, px_count_valid: ob.pxCountAll, px_count_visib: ob.pxCountVisib, visib_fract: ob.visibility }));
        o.onProgress?.(i + 1, o.count);
      }
      await writeFile(join(folderDir, 'scene_camera.json'), json(cams));
      await writeFile(join(folderDir, 'scene_gt.json'), json(gts));
      await writeFile(join(folderDir, 'scene_gt_info.json'), json(gtInfos));
    }
    const { K, W, H } = camera!;
    await writeFile(join(tmp, 'camera.json'), json({ cx: K.cx, cy: K.cy, depth_scale: 1, fx: K.fx, fy: K.fy, height: H, width: W }));
    await writeFile(join(tmp, 'scenes.json'), json({ format: SCENE_SET_FORMAT, version: 1, classes: SCENE_CLASSES, splits: { [split]: o.count }, seed: o.seed }));
  }, 'writeSceneSet');
}

/** A box as a BOP record: R = R_y(yaw), t = the box centre in mm. */
function boxToGt(box: Box3D): SceneGt {
  const c = Math.cos(box.yaw), s = Math.sin(box.yaw);
  return { cam_R_m2c: [c, 0, s, 0, 1, 0, -s, 0, c], cam_t_m2c: box.centre.map((v) => v * 1000), obj_id: SCENE_CLASSES.indexOf(box.label as SceneClass) + 1, size_m: [...box.size] };
}

/** A BOP record as a box; `where` names it in errors (R must be a rotation about y). */
function gtToBox(gt: SceneGt, classes: readonly string[], where: string): Box3D {
  const R = gt.cam_R_m2c, t = gt.cam_t_m2c, size = gt.size_m;
  if (!Array.isArray(R) || R.length !== 9 || !R.every(Number.isFinite)) throw new IOError(`${where}: cam_R_m2c must be 9 numbers`, where);
  if (!Array.isArray(t) || t.length !== 3 || !t.every(Number.isFinite)) throw new IOError(`${where}: cam_t_m2c must be 3 numbers`, where);
  if (!Array.isArray(size) || size.length !== 3 || !size.every((v) => Number.isFinite(v) && v > 0)) throw new IOError(`${where}: size_m must be 3 positive numbers (metres)`, where);
  const label = classes[gt.obj_id - 1];
  if (label === undefined) throw new IOError(`${where}: obj_id ${gt.obj_id} is not one of the set's classes (${classes.join(', ')})`, where);
  // A rotation about y: [c 0 s; 0 1 0; -s 0 c].
  const off = Math.max(Math.abs(R[1]!), Math.abs(R[3]!), Math.abs(R[5]!), Math.abs(R[7]!), Math.abs(R[4]! - 1), Math.abs(R[0]! - R[8]!), Math.abs(R[2]! + R[6]!), Math.abs(Math.hypot(R[0]!, R[2]!) - 1));
  if (off > 1e-6) throw new IOError(`${where}: cam_R_m2c is not a rotation about the camera's y axis (4-DoF poses only)`, where);
  return { label, centre: [t[0]! / 1000, t[1]! / 1000, t[2]! / 1000], size: [size[0]!, size[1]!, size[2]!], yaw: wrapAngle(Math.atan2(R[2]!, R[0]!)) };
}

/** One image's ground truth as read back. */
export interface SceneTruth {
  readonly boxes: readonly Box3D[];
  /** BOP's per-instance facts (bbox_obj, bbox_visib, pixel counts, visib_fract), in the order of `boxes`. */
  readonly info: readonly BopGtInfo[];
}

/** A scene set opened lazily: ground truth in memory, images read on demand. */
export interface SceneSet {
  readonly dir: string;
  readonly split: string;
  readonly count: number;
  readonly classes: readonly string[];
  readonly intrinsics: Intrinsics;
  readonly width: number;
  readonly height: number;
  truth(i: number): SceneTruth;
  /** [H, W, 3] RGB in [0, 1] of image i. */
  image(i: number): Promise<Float32Array>;
}

async function readJson<T>(path: string): Promise<T> {
  const bytes = await data.readBytes(path, 'openSceneSet');
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch (e) {
    throw new IOError(`openSceneSet: ${path} is not valid JSON (${(e as Error).message})`, path);
  }
}

/** Opens a set written by writeSceneSet (or any BOP-layout set with the same fields); errors name the file. */
export async function openSceneSet(dir: string, split = 'train'): Promise<SceneSet> {
  const index = await readJson<{ format?: string; classes?: string[] }>(join(dir, 'scenes.json'));
  if (index.format !== SCENE_SET_FORMAT || !Array.isArray(index.classes)) throw new IOError(`openSceneSet: ${join(dir, 'scenes.json')} is not a '${SCENE_SET_FORMAT}' index (write one with 'lacuna epropnp detect render')`, dir);
  const camera = await readJson<{ fx: number; fy: number; cx: number; cy: number; width: number; height: number }>(join(dir, 'camera.json'));
  for (const k of ['fx', 'fy', 'cx', 'cy', 'width', 'height'] as const) {
    if (!Number.isFinite(camera[k])) throw new IOError(`openSceneSet: ${join(dir, 'camera.json')}: '${k}' must be a number`, dir);
  }
  const splitDir = join(dir, split);
  let folders: string[];
  try {
    folders = (await readdir(splitDir)).filter((n) => /^\d+$/.test(n)).sort();
  } catch (e) {
    throw new IOError(`openSceneSet: cannot list ${splitDir}: ${(e as Error).message}`, splitDir);
  }
  const images: { path: string; truth: SceneTruth }[] = [];
  for (const folder of folders) {
    const folderDir = join(splitDir, folder);
    const gtPath = join(folderDir, 'scene_gt.json');
    const gts = await readJson<Record<string, SceneGt[]>>(gtPath);
    const infos = await readJson<Record<string, BopGtInfo[]>>(join(folderDir, 'scene_gt_info.json'));
    for (const im of Object.keys(gts).map(Number).sort((a, b) => a - b)) {
      const list = gts[String(im)]!;
      const boxes = list.map((gt, g) => gtToBox(gt, index.classes!, `${gtPath} image ${im} instance ${g}`));
      const info = infos[String(im)] ?? [];
      if (info.length !== boxes.length) throw new IOError(`openSceneSet: ${join(folderDir, 'scene_gt_info.json')} image ${im} lists ${info.length} instances, scene_gt.json ${boxes.length}`, folderDir);
      images.push({ path: join(folderDir, 'rgb', `${bopId(im)}.png`), truth: { boxes, info } });
    }
  }
  if (images.length === 0) throw new IOError(`openSceneSet: no images under ${splitDir}`, splitDir);
  const W = camera.width, H = camera.height;
  return {
    dir,
    split,
    count: images.length,
    classes: index.classes,
    intrinsics: { fx: camera.fx, fy: camera.fy, cx: camera.cx, cy: camera.cy },
    width: W,
    height: H,
    truth: (i) => {
      const e = images[i];
      if (!e) throw new ValueError(`SceneSet.truth: index ${i} is outside 0..${images.length - 1}`);
      return e.truth;
    },
    image: async (i) => {
      const e = images[i];
      if (!e) throw new ValueError(`SceneSet.image: index ${i} is outside 0..${images.length - 1}`);
      const png = await data.readImage(e.path);
      if (png.shape[0] !== H || png.shape[1] !== W || png.shape[2] < 3) throw new IOError(`openSceneSet: ${e.path} is ${png.shape[1]}x${png.shape[0]}x${png.shape[2]}, camera.json says ${W}x${H} RGB`, e.path);
      if (png.shape[2] === 3) return png.data;
      const rgb = new Float32Array(W * H * 3);
      for (let p = 0; p < W * H; p++) for (let c = 0; c < 3; c++) rgb[p * 3 + c] = png.data[p * png.shape[2] + c]!;
      return rgb;
    },
  };
}
