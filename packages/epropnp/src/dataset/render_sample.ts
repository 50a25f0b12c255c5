/**
 * One LineMOD-style training sample: the object at a random pose, lit by a random
 * Lambertian light, over a random background, partly occluded, seen through a square crop
 * chosen as CDPN's dynamic zoom-in does (Li et al., "CDPN", ICCV 2019: box centre shifted by
 * up to 0.25 of the object's box size, size scaled by up to ±25 %, then padded 1.5x), and
 * rendered directly at crop resolution by folding the crop into the intrinsics.
 */
import { data, ValueError } from '@lacuna/core';
import { LINEMOD_INTRINSICS, type Intrinsics } from '../geometry/camera.js';
import { quaternionToMatrix } from '../geometry/rotation.js';
import { drawBackground } from '../render/background.js';
import { cropIntrinsics, type CropBox } from '../render/crop.js';
import type { ObjectModel } from '../render/mesh.js';
import { drawOccluders } from '../render/occlusion.js';
import { createRasterBuffers, interpolateAttribute, rasterize, transformPoints } from '../render/rasterize.js';
import { faceShading } from '../render/shading.js';
import { randomPose, type PoseSamplingOptions } from './random_pose.js';

export interface ZoomInOptions {
  /** Max shift of the box centre as a fraction of the object's box size. Default 0.25 (CDPN). */
  readonly shift?: number;
  /** Max relative change of the box size. Default 0.25 (CDPN). */
  readonly scale?: number;
  /** Crop side = pad x (jittered) object box size. Default 1.5 (CDPN). */
  readonly pad?: number;
}

export interface SampleOptions extends PoseSamplingOptions {
  /** Crop side in pixels. Default 64. */
  readonly cropSize?: number;
  /** Default LineMOD's. */
  readonly intrinsics?: Intrinsics;
  /** Dynamic zoom-in; { shift: 0, scale: 0 } gives a centred, tight-box crop (test time). */
  readonly zoomIn?: ZoomInOptions;
  /** Chance that a sample gets occluders. Default 0.5. */
  readonly occlusionProbability?: number;
  /** Max occluded fraction of the object's silhouette. Default 0.3. */
  readonly maxOcclusion?: number;
  /** Std of the Gaussian pixel noise. Default 0.02. */
  readonly noise?: number;
  /** 'sphere' (default): uniformly random rotations; 'upper': views from above the object's equator (its `up` axis) only. */
  readonly views?: 'sphere' | 'upper';
}

/** A rendered crop with its ground truth. S = cropSize. */
export interface PoseSample {
  /** [S, S, 3] RGB in [0, 1]. */
  readonly image: Float32Array;
  /** [S, S, 3] object coordinates (metres, object frame) of the surface seen at each pixel, occluded or not; 0 off the object. */
  readonly x3d: Float32Array;
  /** [S, S] 1 where the object is visible (silhouette minus occluders). */
  readonly mask: Uint8Array;
  /** [S, S] 1 on the object's whole silhouette, occluded parts included. */
  readonly objectMask: Uint8Array;
  /** [7] ground-truth pose [x, y, z, w, i, j, k]. */
  readonly pose: Float64Array;
  /** Crop box in image pixels. */
  readonly box: CropBox;
  /** Occluded fraction of the silhouette. */
  readonly occlusion: number;
}

/** Renders one sample; all randomness from `rng`. */
export function renderSample(object: ObjectModel, rng: data.Random, options: SampleOptions = {}): PoseSample {
  const S = options.cropSize ?? 64;
  if (!(Number.isInteger(S) && S >= 4)) throw new ValueError(`renderSample: cropSize must be an integer >= 4, got ${S}`);
  const intrinsics = options.intrinsics ?? LINEMOD_INTRINSICS;
  const zoom = { shift: 0.25, scale: 0.25, pad: 1.5, ...options.zoomIn };
  const { vertices } = object.mesh;

  if (options.views !== undefined && options.views !== 'sphere' && options.views !== 'upper') throw new ValueError(`renderSample: views must be 'sphere' or 'upper', got '${options.views}'`);
  const pose = randomPose(rng, intrinsics, options.views === 'upper' ? { ...options, upperHemisphere: object.up } : options);
  const R = quaternionToMatrix(pose, undefined, 3);
  const cam = transformPoints(vertices, R, pose);
  const box = zoomInBox(cam, intrinsics, zoom, rng);
  const K = cropIntrinsics(intrinsics, box, S);

  const { image, x3d, mask, objectMask, occlusion } = shadeObject(object, cam, K, S, S, rng, options);
  return { image, x3d, mask, objectMask, pose, box, occlusion };
}

/** What shadeObject draws: an image [H, W, 3] with its ground-truth maps. */
export interface ShadedView {
  readonly image: Float32Array;
  /** [H, W, 3] object coordinates of the surface at each pixel, occluded or not; 0 off the object. */
  readonly x3d: Float32Array;
  /** [H, W] the visible object. */
  readonly mask: Uint8Array;
  /** [H, W] the whole silhouette. */
  readonly objectMask: Uint8Array;
  readonly occlusion: number;
}

/**
 * Draws the object, already in camera coordinates `cam` [V, 3], through intrinsics K into a
 * W x H image: random background, Lambertian shading under a random light, occluders in a
 * share of the views, pixel noise. All randomness from `rng`, in that order. `occluderScale`
 * sizes the occluders (default the image side; a full frame passes the object's extent).
 */
export function shadeObject(object: ObjectModel, cam: Float64Array, K: ArrayLike<number>, W: number, H: number, rng: data.Random, options: SampleOptions, occluderScale = W): ShadedView {
  const { vertices, faces } = object.mesh;
  const image = new Float32Array(W * H * 3);
  drawBackground(rng, W, image, H);
  const raster = createRasterBuffers(W, H);
  rasterize(cam, faces, K, raster);
  const x3d = new Float32Array(W * H * 3);
  interpolateAttribute(raster, faces, vertices, 3, x3d);
  const albedo = new Float32Array(W * H * 3);
  interpolateAttribute(raster, faces, object.colors, 3, albedo);
  const light = randomLight(rng);
  const shade = faceShading(cam, faces, light);
  const objectMask = new Uint8Array(W * H);
  for (let p = 0; p < W * H; p++) {
    const f = raster.face[p]!;
    if (f < 0) continue;
    objectMask[p] = 1;
    for (let k = 0; k < 3; k++) image[p * 3 + k] = albedo[p * 3 + k]! * shade[f]!;
  }
  const occluded = new Uint8Array(W * H);
  let occlusion = 0;
  if (rng.uniform() < (options.occlusionProbability ?? 0.5)) {
    occlusion = drawOccluders(rng, W, image, objectMask, occluded, options.maxOcclusion ?? 0.3, H, occluderScale);
  }
  const mask = new Uint8Array(W * H);
  for (let p = 0; p < W * H; p++) mask[p] = objectMask[p]! & (1 - occluded[p]!);
  const noise = options.noise ?? 0.02;
  for (let i = 0; i < image.length; i++) image[i] = Math.min(1, Math.max(0, image[i]! + (noise > 0 ? rng.normal(0, noise) : 0)));
  return { image, x3d, mask, objectMask, occlusion };
}

/** A random light: direction from the camera's side of the object, ambient 0.2–0.5, diffuse 0.5–0.9. */
function randomLight(rng: data.Random) {
  const x = rng.uniform(-1, 1), y = rng.uniform(-1, 1), z = -rng.uniform(0.3, 1.5);
  const n = Math.hypot(x, y, z);
  return { direction: [x / n, y / n, z / n] as [number, number, number], ambient: rng.uniform(0.2, 0.5), diffuse: rng.uniform(0.5, 0.9) };
}

/** CDPN's dynamic zoom-in around the tight box of the projected camera-frame points `cam` [V, 3]. */
function zoomInBox(cam: Float64Array, k: Intrinsics, zoom: Required<ZoomInOptions>, rng: data.Random): CropBox {
  let uMin = Infinity, uMax = -Infinity, vMin = Infinity, vMax = -Infinity;
  for (let i = 0; i < cam.length; i += 3) {
    const z = cam[i + 2]!;
    const u = (k.fx * cam[i]! + (k.s ?? 0) * cam[i + 1]!) / z + k.cx, v = (k.fy * cam[i + 1]!) / z + k.cy;
    uMin = Math.min(uMin, u); uMax = Math.max(uMax, u); vMin = Math.min(vMin, v); vMax = Math.max(vMax, v);
  }
  const s = Math.max(uMax - uMin, vMax - vMin);
  const cx = (uMin + uMax) / 2 + s * zoom.shift * rng.uniform(-1, 1);
  const cy = (vMin + vMax) / 2 + s * zoom.shift * rng.uniform(-1, 1);
  const size = s * (1 + zoom.scale * rng.uniform(-1, 1)) * zoom.pad;
  return { cx, cy, size };
}
