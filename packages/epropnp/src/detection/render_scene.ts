/**
 * Driving-like scenes for monocular 3-D detection, rendered at a scale a CPU can train on: a
 * camera at a car's height (1.5 m) with nuScenes' front-camera intrinsics scaled to 128x96, a
 * textured road plane below the horizon, a sky with distant clutter above it, and two to five
 * objects (cars, pedestrians) standing on the ground with 4-DoF poses (x, z on the ground, the
 * height from the ground, yaw), drawn with one z-buffer so nearer objects occlude farther ones.
 * Ground truth per object: its 3-D box, the projected box (bbox_obj) and the visible pixels'
 * box (bbox_visib), pixel counts and visibility, the whole and the visible masks.
 */
import { data, ValueError } from '@lacuna/core';
import type { Intrinsics } from '../geometry/camera.js';
import { drawShape } from '../render/background.js';
import { createRasterBuffers, rasterize } from '../render/rasterize.js';
import { faceShading, type Light } from '../render/shading.js';
import { maskBox } from '../dataset/render_frame.js';
import { objectToCamera, type Box3D } from './box3d.js';
import { objectMesh, randomSize, type SceneClass } from './scene_objects.js';

/** nuScenes CAM_FRONT (f ≈ 1266 px at 1600x900) scaled by 0.08, principal point at the centre of a 128x96 image. */
export const DRIVING_INTRINSICS: Readonly<Intrinsics> = { fx: 101.3, fy: 101.3, cx: 63.5, cy: 47.5 };
export const SCENE_WIDTH = 128;
export const SCENE_HEIGHT = 96;
/** Camera height above the ground (m); the ground is the plane y = CAMERA_HEIGHT (y points down). */
export const CAMERA_HEIGHT = 1.5;

export interface SceneOptions {
  readonly width?: number;
  readonly height?: number;
  readonly intrinsics?: Intrinsics;
  /** Objects per image, inclusive. Default 2 and 5. */
  readonly minObjects?: number;
  readonly maxObjects?: number;
  /** Depth range of the object centres (m). Default [6, 35]. */
  readonly range?: readonly [number, number];
  /** Share of cars among the objects. Default 0.6. */
  readonly carShare?: number;
  /** Objects with less of their silhouette visible are taken out of the scene. Default 0.1. */
  readonly minVisibility?: number;
  /** Gaussian pixel noise (std). Default 0.02. */
  readonly noise?: number;
}

export interface SceneObject {
  readonly box: Box3D;
  /** BOP's bbox_obj [x, y, w, h] of the projected object (may leave the image) and bbox_visib of its visible pixels. */
  readonly bboxObj: [number, number, number, number];
  readonly bboxVisib: [number, number, number, number];
  readonly pxCountAll: number;
  readonly pxCountVisib: number;
  /** pxCountVisib / pxCountAll. */
  readonly visibility: number;
  /** [H, W] the whole silhouette in the image, and its visible part. */
  readonly objectMask: Uint8Array;
  readonly mask: Uint8Array;
}

export interface Scene {
  readonly width: number;
  readonly height: number;
  readonly intrinsics: Intrinsics;
  /** [H, W, 3] RGB in [0, 1]. */
  readonly image: Float32Array;
  readonly objects: readonly SceneObject[];
}

interface Placed {
  readonly box: Box3D;
  readonly mesh: ReturnType<typeof objectMesh>;
}

/** One random scene; the same `rng` state gives the same scene. */
export function renderScene(rng: data.Random, options: SceneOptions = {}): Scene {
  const W = options.width ?? SCENE_WIDTH, H = options.height ?? SCENE_HEIGHT;
  const K = options.intrinsics ?? DRIVING_INTRINSICS;
  const [zMin, zMax] = options.range ?? [6, 35];
  const minObjects = options.minObjects ?? 2, maxObjects = options.maxObjects ?? 5;
  if (!(Number.isInteger(W) && Number.isInteger(H) && W >= 16 && H >= 16)) throw new ValueError(`renderScene: width and height must be integers >= 16, got ${W} x ${H}`);
  if (!(zMin > 1 && zMax > zMin)) throw new ValueError(`renderScene: range must be [near, far] with 1 < near < far, got [${zMin}, ${zMax}]`);
  if (!(Number.isInteger(minObjects) && minObjects >= 1 && Number.isInteger(maxObjects) && maxObjects >= minObjects)) {
    throw new ValueError(`renderScene: minObjects/maxObjects must be integers with 1 <= min <= max, got ${minObjects}/${maxObjects}`);
  }
  const image = new Float32Array(W * H * 3);
  drawGround(rng, W, H, K, image);

  // Objects: centres in view, footprints apart.
  const halfFov = Math.atan((W / 2 - 2) / K.fx);
  const placed: Placed[] = [];
  const wanted = rng.int(minObjects, maxObjects + 1);
  for (let tries = 0; placed.length < wanted && tries < 50; tries++) {
    const cls: SceneClass = rng.uniform() < (options.carShare ?? 0.6) ? 'car' : 'pedestrian';
    const size = randomSize(cls, rng);
    const z = rng.uniform(zMin, zMax);
    const x = z * Math.tan(rng.uniform(-halfFov, halfFov) * 0.9);
    const yaw = rng.uniform(-Math.PI, Math.PI);
    const radius = 0.5 * Math.hypot(size[0], size[2]);
    const mesh = objectMesh(cls, size, rng);
    if (placed.some((p) => Math.hypot(p.box.centre[0] - x, p.box.centre[2] - z) < radius + 0.5 * Math.hypot(p.box.size[0], p.box.size[2]) + 0.3)) continue;
    placed.push({ box: { label: cls, centre: [x, CAMERA_HEIGHT - size[1] / 2, z], size, yaw }, mesh });
  }
  const light: Light = { direction: unit([rng.uniform(-0.6, 0.6), rng.uniform(-1, -0.4), rng.uniform(-0.8, 0.2)]), ambient: rng.uniform(0.35, 0.55), diffuse: rng.uniform(0.4, 0.65) };

  // Drop objects hidden behind others (visibility below the minimum) and draw again, so every box has pixels to be found by.
  let objects = drawObjects(placed, W, H, K, light, image, false);
  for (;;) {
    const hidden = objects.findIndex((o) => o.visibility < (options.minVisibility ?? 0.1));
    if (hidden < 0) break;
    placed.splice(hidden, 1);
    objects = drawObjects(placed, W, H, K, light, image, false);
  }
  drawObjects(placed, W, H, K, light, image, true);
  const noise = options.noise ?? 0.02;
  for (let i = 0; i < image.length; i++) image[i] = Math.min(1, Math.max(0, image[i]! + noise * rng.normal()));
  return { width: W, height: H, intrinsics: K, image, objects };
}

function unit(v: [number, number, number]): [number, number, number] {
  const n = Math.hypot(...v);
  return [v[0] / n, v[1] / n, v[2] / n];
}

/** Rasterises every object in one z-buffer: their masks and boxes; with `paint`, their shaded colours into `image`. */
function drawObjects(placed: readonly Placed[], W: number, H: number, K: Intrinsics, light: Light, image: Float32Array, paint: boolean): SceneObject[] {
  const Km = [K.fx, K.s ?? 0, K.cx, 0, K.fy, K.cy, 0, 0, 1];
  const cams = placed.map((p) => objectToCamera(p.box, p.mesh.vertices));
  // One mesh of all objects, with each face's object.
  const totalV = placed.reduce((s, p) => s + p.mesh.vertices.length, 0), totalF = placed.reduce((s, p) => s + p.mesh.faces.length, 0);
  const points = new Float64Array(totalV), faces = new Uint32Array(totalF), faceObject = new Int32Array(totalF / 3);
  let vo = 0, fo = 0;
  placed.forEach((p, k) => {
    points.set(cams[k]!, vo);
    for (let i = 0; i < p.mesh.faces.length; i++) faces[fo + i] = p.mesh.faces[i]! + vo / 3;
    faceObject.fill(k, fo / 3, (fo + p.mesh.faces.length) / 3);
    vo += p.mesh.vertices.length;
    fo += p.mesh.faces.length;
  });
  const raster = createRasterBuffers(W, H);
  rasterize(points, faces, Km, raster);
  if (paint) {
    const shade = faceShading(points, faces, light);
    const colours = new Float32Array(totalV);
    let co = 0;
    for (const p of placed) {
      colours.set(p.mesh.colors, co);
      co += p.mesh.colors.length;
    }
    for (let px = 0; px < W * H; px++) {
      const f = raster.face[px]!;
      if (f < 0) continue;
      for (let ch = 0; ch < 3; ch++) {
        let c = 0;
        for (let k = 0; k < 3; k++) c += raster.weights[px * 3 + k]! * colours[faces[f * 3 + k]! * 3 + ch]!;
        image[px * 3 + ch] = c * shade[f]!;
      }
    }
  }
  return placed.map((p, k) => {
    const alone = createRasterBuffers(W, H);
    rasterize(cams[k]!, p.mesh.faces, Km, alone);
    const objectMask = Uint8Array.from(alone.face, (f) => (f >= 0 ? 1 : 0));
    const mask = Uint8Array.from(raster.face, (f) => (f >= 0 && faceObject[f] === k ? 1 : 0));
    let pxCountAll = 0, pxCountVisib = 0;
    for (let i = 0; i < W * H; i++) {
      pxCountAll += objectMask[i]!;
      pxCountVisib += mask[i]!;
    }
    const cam = cams[k]!;
    let u0 = Infinity, u1 = -Infinity, v0 = Infinity, v1 = -Infinity;
    for (let i = 0; i < cam.length; i += 3) {
      const u = (K.fx * cam[i]! + (K.s ?? 0) * cam[i + 1]!) / cam[i + 2]! + K.cx, v = (K.fy * cam[i + 1]!) / cam[i + 2]! + K.cy;
      u0 = Math.min(u0, u); u1 = Math.max(u1, u); v0 = Math.min(v0, v); v1 = Math.max(v1, v);
    }
    return {
      box: p.box,
      bboxObj: [Math.floor(u0 + 0.5), Math.floor(v0 + 0.5), Math.round(u1 - u0), Math.round(v1 - v0)] as [number, number, number, number],
      bboxVisib: maskBox(mask, W, H),
      pxCountAll,
      pxCountVisib,
      visibility: pxCountAll > 0 ? pxCountVisib / pxCountAll : 0,
      objectMask,
      mask,
    };
  });
}

/** A hash of two integers and a seed to [0, 1): the value noise of the road texture. */
function hash01(a: number, b: number, seed: number): number {
  let h = Math.imul(a, 0x27d4eb2d) ^ Math.imul(b, 0x165667b1) ^ Math.imul(seed, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Sky with distant clutter above the horizon; below it the road plane: asphalt with tiles of noise, lane markings, verges. */
function drawGround(rng: data.Random, W: number, H: number, K: Intrinsics, image: Float32Array): void {
  const skyTop: [number, number, number] = [rng.uniform(0.3, 0.6), rng.uniform(0.5, 0.75), rng.uniform(0.75, 1)];
  const skyLow: [number, number, number] = [rng.uniform(0.7, 0.95), rng.uniform(0.75, 0.95), rng.uniform(0.8, 1)];
  const asphalt = rng.uniform(0.25, 0.5), tint = [rng.uniform(-0.03, 0.03), rng.uniform(-0.03, 0.03), rng.uniform(-0.03, 0.03)];
  const verge: [number, number, number] = [rng.uniform(0.2, 0.45), rng.uniform(0.35, 0.6), rng.uniform(0.15, 0.35)];
  const laneOffset = rng.uniform(-1.75, 1.75), roadHalf = rng.uniform(5, 9), dashPhase = rng.uniform(0, 6);
  const seed = rng.int(0, 1 << 30);
  for (let r = 0; r < H; r++) {
    const dy = (r - K.cy) / K.fy;
    for (let c = 0; c < W; c++) {
      const p = (r * W + c) * 3;
      if (dy <= 0.01) {
        const t = Math.min(1, Math.max(0, (r + 1) / (K.cy + 1)));
        for (let k = 0; k < 3; k++) image[p + k] = skyTop[k]! * (1 - t) + skyLow[k]! * t;
        continue;
      }
      const dist = CAMERA_HEIGHT / dy;
      const x = ((c - K.cx) / K.fx) * dist, z = dist;
      const tile = hash01(Math.floor(x * 2), Math.floor(z * 2), seed) - 0.5;
      let col: number[];
      if (Math.abs(x - laneOffset) > roadHalf) col = verge.map((v) => v + 0.08 * tile);
      else {
        const lane = Math.abs(((x - laneOffset + 1.75) % 3.5 + 3.5) % 3.5 - 1.75);
        const marking = lane > 1.68 && ((z + dashPhase) % 6) < 3;
        col = marking ? [0.85, 0.85, 0.8] : tint.map((d) => asphalt + d + 0.06 * tile);
      }
      for (let k = 0; k < 3; k++) image[p + k] = col[k]!;
    }
  }
  // Distant clutter (buildings, trees) straddling the horizon.
  const shapes = rng.int(1, 6);
  for (let s = 0; s < shapes; s++) {
    const rx = rng.uniform(3, W / 6), ry = rng.uniform(2, H / 6);
    drawShape(rng, W, image, null, { cx: rng.uniform(0, W), cy: K.cy - ry * rng.uniform(0.3, 1), rx, ry }, H);
  }
}
