/**
 * BOP data sets on disk (Node). Writing: `models/` (models_info.json, obj_XXXXXX.ply in mm),
 * `camera.json`, and per scene of up to 1000 images under the split folder
 * (`train/000000/`): scene_camera.json, scene_gt.json, scene_gt_info.json, rgb/{im:06d}.png,
 * mask/{im:06d}_{gt:06d}.png (whole silhouette) and mask_visib/ (visible part); the whole
 * folder is written atomically. Reading: every instance of one object as a PoseDataset of
 * square crops around its box, with coordinate maps rendered from the model at the BOP pose,
 * and each crop's (scene, image, object) ids kept for BOP results files.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { data, IOError, train, ValueError } from '@lacuna/core';
import { LINEMOD_INTRINSICS, type Intrinsics } from '../geometry/camera.js';
import { quaternionToMatrix } from '../geometry/rotation.js';
import { cropImage, cropIntrinsics, cropOrigin, type CropBox } from '../render/crop.js';
import type { ObjectModel } from '../render/mesh.js';
import { meshModel } from '../render/mesh_model.js';
import { decodePly, encodePly } from '../render/ply.js';
import { createRasterBuffers, interpolateAttribute, rasterize, transformPoints } from '../render/rasterize.js';
import { bopId, bopModelInfo, poseFromBop, poseToBop, symmetryFromBop, type BopGt, type BopGtInfo, type BopModelInfo } from './bop.js';
import { sampleRandom, type PoseDataset } from './pose_dataset.js';
import { renderFrame, type FrameOptions } from './render_frame.js';
import type { ZoomInOptions } from './render_sample.js';

const IMAGES_PER_SCENE = 1000;

export interface WriteBopOptions {
  readonly object: ObjectModel;
  /** BOP object id. Default 1. */
  readonly objId?: number;
  readonly count: number;
  readonly seed: number;
  /** Split folder. Default 'train'. */
  readonly split?: string;
  readonly frame?: FrameOptions;
  readonly onProgress?: (done: number, total: number) => void;
}

const json = (v: unknown) => new TextEncoder().encode(`${JSON.stringify(v, null, 1)}\n`);

/** Renders `count` frames of the object and writes them as a BOP data set at `dir`. */
export async function writeBopDataset(dir: string, o: WriteBopOptions): Promise<void> {
  const objId = o.objId ?? 1;
  if (!(Number.isInteger(objId) && objId >= 1)) throw new ValueError(`writeBopDataset: objId must be an integer >= 1, got ${objId}`);
  if (!(Number.isInteger(o.count) && o.count >= 1)) throw new ValueError(`writeBopDataset: count must be an integer >= 1, got ${o.count}`);
  const intrinsics = o.frame?.intrinsics ?? LINEMOD_INTRINSICS;
  const W = o.frame?.width ?? 640, H = o.frame?.height ?? 480;
  const split = o.split ?? 'train';
  await train.writeDirAtomic(dir, async (tmp) => {
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(join(tmp, 'models'), { recursive: true });
    const model = o.object;
    await writeFile(join(tmp, 'models', `obj_${bopId(objId)}.ply`), encodePly({ vertices: Float32Array.from(model.mesh.vertices, (x) => x * 1000), faces: model.mesh.faces, colors: model.colors }, [`lacuna: ${model.name}, millimetres`]));
    await writeFile(join(tmp, 'models', 'models_info.json'), json({ [objId]: bopModelInfo(model) }));
    await writeFile(join(tmp, 'camera.json'), json({ cx: intrinsics.cx, cy: intrinsics.cy, depth_scale: 1, fx: intrinsics.fx, fy: intrinsics.fy, height: H, width: W }));
    const K = [intrinsics.fx, intrinsics.s ?? 0, intrinsics.cx, 0, intrinsics.fy, intrinsics.cy, 0, 0, 1];
    for (let scene = 0; scene * IMAGES_PER_SCENE < o.count; scene++) {
      const sceneDir = join(tmp, split, bopId(scene));
      for (const sub of ['rgb', 'mask', 'mask_visib']) await mkdir(join(sceneDir, sub), { recursive: true });
      const cams: Record<string, unknown> = {}, gts: Record<string, BopGt[]> = {}, infos: Record<string, BopGtInfo[]> = {};
      for (let im = 0; im < IMAGES_PER_SCENE && scene * IMAGES_PER_SCENE + im < o.count; im++) {
        const i = scene * IMAGES_PER_SCENE + im;
        const f = renderFrame(model, sampleRandom(o.seed, i), o.frame);
        const name = bopId(im);
        await writeFile(join(sceneDir, 'rgb', `${name}.png`), data.encodePng({ data: f.image, shape: [H, W, 3] }));
        await writeFile(join(sceneDir, 'mask', `${name}_000000.png`), data.encodePng({ data: Float32Array.from(f.objectMask), shape: [H, W, 1] }));
        await writeFile(join(sceneDir, 'mask_visib', `${name}_000000.png`), data.encodePng({ data: Float32Array.from(f.mask), shape: [H, W, 1] }));
        cams[im] = { cam_K: K, depth_scale: 1 };
        gts[im] = [poseToBop(f.pose, objId)];
        infos[im] = [{ bbox_obj: f.bboxObj, bbox_visib: f.bboxVisib, px_count_all: f.pxCountAll, px_count_valid: f.pxCountAll, px_count_visib: f.pxCountVisib, visib_fract: f.pxCountAll > 0 ? f.pxCountVisib / f.pxCountAll : 0 }];
        o.onProgress?.(i + 1, o.count);
      }
      await writeFile(join(sceneDir, 'scene_camera.json'), json(cams));
      await writeFile(join(sceneDir, 'scene_gt.json'), json(gts));
      await writeFile(join(sceneDir, 'scene_gt_info.json'), json(infos));
    }
  }, 'writeBopDataset');
}

async function readJson<T>(path: string): Promise<T> {
  const bytes = await data.readBytes(path, 'readBopDataset');
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch (e) {
    throw new IOError(`readBopDataset: ${path} is not valid JSON (${(e as Error).message})`, path);
  }
}

/** The object model of a BOP data set: models/obj_XXXXXX.ply (mm) with its models_info symmetry. */
export async function readBopModel(dir: string, objId?: number): Promise<{ objId: number; model: ObjectModel; info: BopModelInfo }> {
  const infoPath = join(dir, 'models', 'models_info.json');
  const infos = await readJson<Record<string, BopModelInfo>>(infoPath);
  const ids = Object.keys(infos).map(Number).sort((a, b) => a - b);
  const id = objId ?? (ids.length === 1 ? ids[0]! : NaN);
  if (objId === undefined && ids.length !== 1) throw new ValueError(`readBopDataset: ${infoPath} lists objects ${ids.join(', ')}; choose one (objId / --obj-id)`);
  const info = infos[String(id)];
  if (!info) throw new ValueError(`readBopDataset: object ${id} is not in ${infoPath} (it lists ${ids.join(', ')})`);
  const plyPath = join(dir, 'models', `obj_${bopId(id)}.ply`);
  const mesh = decodePly(await data.readBytes(plyPath, 'readBopDataset'), plyPath);
  const model = meshModel(mesh, { name: `obj_${bopId(id)}`, units: 'mm', symmetry: symmetryFromBop(info, infoPath) });
  return { objId: id, model, info };
}

export interface ReadBopOptions {
  /** Split folder. Default 'train'. */
  readonly split?: string;
  readonly objId?: number;
  /** Crop side. Default 64. */
  readonly cropSize?: number;
  /** Crop jitter as CDPN's dynamic zoom-in (training; {} for its defaults 0.25 / 0.25); default none: centred crops (testing). */
  readonly zoomIn?: ZoomInOptions;
  /** Seed of the jitter. Default 0. */
  readonly seed?: number;
  /** Skip instances with less of their silhouette visible. Default 0.1. */
  readonly minVisibFract?: number;
  /** Read at most this many instances. */
  readonly limit?: number;
}

/** A PoseDataset read from BOP files, with each crop's BOP ids. */
export interface BopPoseDataset extends PoseDataset {
  /** [N] scene id, image id and object id of each crop. */
  readonly bop: { readonly sceneIds: Int32Array; readonly imIds: Int32Array; readonly objIds: Int32Array; readonly split: string; readonly dir: string };
}

/** Reads every instance of one object in a BOP split as square crops; errors name the file. */
export async function readBopDataset(dir: string, o: ReadBopOptions = {}): Promise<BopPoseDataset> {
  const split = o.split ?? 'train';
  const S = o.cropSize ?? 64;
  const minVisib = o.minVisibFract ?? 0.1;
  const { objId, model } = await readBopModel(dir, o.objId);
  const splitDir = join(dir, split);
  let scenes: string[];
  try {
    scenes = (await readdir(splitDir)).filter((n) => /^\d+$/.test(n)).sort();
  } catch (e) {
    throw new IOError(`readBopDataset: cannot list ${splitDir}: ${(e as Error).message}`, splitDir);
  }
  const zoom = o.zoomIn ? { shift: 0.25, scale: 0.25, pad: 1.5, ...o.zoomIn } : { shift: 0, scale: 0, pad: 1.5 };
  const crops: { image: Float32Array; x3d: Float32Array; mask: Uint8Array; objectMask: Uint8Array; pose: Float64Array; box: CropBox; ids: [number, number] }[] = [];
  let intrinsics: Intrinsics | null = null;
  for (const scene of scenes) {
    const sceneDir = join(splitDir, scene);
    const cams = await readJson<Record<string, { cam_K: number[] }>>(join(sceneDir, 'scene_camera.json'));
    const gts = await readJson<Record<string, BopGt[]>>(join(sceneDir, 'scene_gt.json'));
    const infos = await readJson<Record<string, BopGtInfo[]>>(join(sceneDir, 'scene_gt_info.json')).catch(() => ({}) as Record<string, BopGtInfo[]>);
    for (const im of Object.keys(gts).map(Number).sort((a, b) => a - b)) {
      const gtPath = `${join(sceneDir, 'scene_gt.json')} image ${im}`;
      const K = cams[String(im)]?.cam_K;
      if (!K || K.length !== 9) throw new IOError(`readBopDataset: ${join(sceneDir, 'scene_camera.json')}: image ${im} has no cam_K of 9 numbers`, sceneDir);
      const intr: Intrinsics = { fx: K[0]!, fy: K[4]!, cx: K[2]!, cy: K[5]!, ...(K[1] ? { s: K[1] } : {}) };
      intrinsics ??= intr;
      if (intr.fx !== intrinsics.fx || intr.fy !== intrinsics.fy || intr.cx !== intrinsics.cx || intr.cy !== intrinsics.cy) {
        throw new ValueError(`readBopDataset: image ${im} of scene ${scene} has another camera than the first image; one camera per data set is supported`);
      }
      let rgb: data.PngImage | null = null;
      for (const [gtIdx, gt] of (gts[String(im)] ?? []).entries()) {
        if (gt.obj_id !== objId) continue;
        const info = infos[String(im)]?.[gtIdx];
        if (info && info.visib_fract < minVisib) continue;
        const pose = poseFromBop(gt, `${gtPath} instance ${gtIdx}`);
        const name = bopId(im);
        // BOP sets store rgb/ as PNG or JPEG (e.g. T-LESS): take whichever is there.
        rgb ??= await data.readImage(join(sceneDir, 'rgb', `${name}.png`)).catch(() => data.readImage(join(sceneDir, 'rgb', `${name}.jpg`)));
        const [H, W, C] = rgb.shape;
        const visPath = join(sceneDir, 'mask_visib', `${name}_${bopId(gtIdx)}.png`);
        const visib = await data.readPng(visPath);
        if (visib.shape[0] !== H || visib.shape[1] !== W) throw new IOError(`readBopDataset: ${visPath} is ${visib.shape[1]}x${visib.shape[0]}, the image is ${W}x${H}`, visPath);
        // The crop: the projected object's box, padded as CDPN's test-time crop (jittered when training).
        const R = quaternionToMatrix(pose, undefined, 3);
        const cam = transformPoints(model.mesh.vertices, R, pose);
        let u0 = Infinity, u1 = -Infinity, v0 = Infinity, v1 = -Infinity;
        for (let i = 0; i < cam.length; i += 3) {
          const z = cam[i + 2]!;
          const u = (intr.fx * cam[i]! + (intr.s ?? 0) * cam[i + 1]!) / z + intr.cx, v = (intr.fy * cam[i + 1]!) / z + intr.cy;
          u0 = Math.min(u0, u); u1 = Math.max(u1, u); v0 = Math.min(v0, v); v1 = Math.max(v1, v);
        }
        const rng = sampleRandom(o.seed ?? 0, crops.length);
        const s = Math.max(u1 - u0, v1 - v0);
        const box = { cx: (u0 + u1) / 2 + s * zoom.shift * rng.uniform(-1, 1), cy: (v0 + v1) / 2 + s * zoom.shift * rng.uniform(-1, 1), size: s * (1 + zoom.scale * rng.uniform(-1, 1)) * zoom.pad };
        const origin = cropOrigin(box, S);
        const image = cropImage(rgb.data, W, H, C, box, S);
        const mask = new Uint8Array(S * S);
        for (let r = 0; r < S; r++) {
          for (let c = 0; c < S; c++) {
            const u = origin.x + c * origin.scale, v = origin.y + r * origin.scale;
            const x = Math.round(u), y = Math.round(v);
            mask[r * S + c] = x >= 0 && y >= 0 && x < W && y < H && visib.data[(y * W + x) * visib.shape[2]]! > 0.5 ? 1 : 0;
          }
        }
        // Coordinate maps and the whole silhouette, rendered from the model at the BOP pose.
        const raster = createRasterBuffers(S, S);
        rasterize(cam, model.mesh.faces, cropIntrinsics(intr, box, S), raster);
        const x3d = new Float32Array(S * S * 3);
        interpolateAttribute(raster, model.mesh.faces, model.mesh.vertices, 3, x3d);
        const objectMask = Uint8Array.from(raster.face, (f) => (f >= 0 ? 1 : 0));
        for (let p = 0; p < S * S; p++) mask[p] = mask[p]! & objectMask[p]!;
        crops.push({ image, x3d, mask, objectMask, pose, box, ids: [Number(scene), im] });
        if (o.limit !== undefined && crops.length >= o.limit) break;
      }
      if (o.limit !== undefined && crops.length >= o.limit) break;
    }
    if (o.limit !== undefined && crops.length >= o.limit) break;
  }
  if (crops.length === 0) throw new IOError(`readBopDataset: no instance of object ${objId} with visib_fract >= ${minVisib} under ${splitDir}`, splitDir);
  const N = crops.length, px = S * S;
  const ds: BopPoseDataset = {
    object: { name: model.name, diameter: model.diameter, halfExtent: model.halfExtent, symmetry: model.symmetry, up: model.up },
    vertices: model.mesh.vertices,
    intrinsics: intrinsics!,
    cropSize: S,
    count: N,
    seed: o.seed ?? 0,
    renderOptions: { bop: dir, split, objId },
    images: new Uint8Array(N * px * 3),
    x3d: new Float32Array(N * px * 3),
    masks: new Uint8Array(N * px),
    objectMasks: new Uint8Array(N * px),
    poses: new Float64Array(N * 7),
    boxes: new Float64Array(N * 3),
    bop: { sceneIds: Int32Array.from(crops, (c) => c.ids[0]), imIds: Int32Array.from(crops, (c) => c.ids[1]), objIds: new Int32Array(N).fill(objId), split, dir },
  };
  crops.forEach((c, i) => {
    for (let k = 0; k < px * 3; k++) ds.images[i * px * 3 + k] = Math.round(Math.min(1, Math.max(0, c.image[k]!)) * 255);
    ds.x3d.set(c.x3d, i * px * 3);
    ds.masks.set(c.mask, i * px);
    ds.objectMasks.set(c.objectMask, i * px);
    ds.poses.set(c.pose, i * 7);
    ds.boxes.set([c.box.cx, c.box.cy, c.box.size], i * 3);
  });
  return ds;
}

/** Whether the BOP folder has the split folder `split`. */
export async function isBopSplit(dir: string, split: string): Promise<boolean> {
  const { stat } = await import('node:fs/promises');
  return stat(join(dir, split)).then((s) => s.isDirectory(), () => false);
}

/** Whether `path` is a BOP data set folder (it has models/models_info.json). */
export async function isBopFolder(path: string): Promise<boolean> {
  const { stat } = await import('node:fs/promises');
  return stat(join(path, 'models', 'models_info.json')).then((s) => s.isFile(), () => false);
}
