/**
 * A full camera frame (BOP's layout: 640 x 480 for LineMOD's camera) of the object at a random
 * pose, drawn as renderSample draws crops (background, light, occluders, noise) but without the
 * zoom-in: the image, the whole silhouette, the visible part, and BOP's per-instance facts
 * (boxes and pixel counts).
 */
import type { data } from '@lacuna/core';
import { ValueError } from '@lacuna/core';
import { LINEMOD_INTRINSICS, type Intrinsics } from '../geometry/camera.js';
import { quaternionToMatrix } from '../geometry/rotation.js';
import type { ObjectModel } from '../render/mesh.js';
import { transformPoints } from '../render/rasterize.js';
import { randomPose } from './random_pose.js';
import { shadeObject, type SampleOptions } from './render_sample.js';

export interface FrameOptions extends Omit<SampleOptions, 'cropSize' | 'zoomIn'> {
  /** Image size. Default 640 x 480 (LineMOD's). */
  readonly width?: number;
  readonly height?: number;
}

export interface FrameSample {
  /** [H, W, 3] RGB in [0, 1]. */
  readonly image: Float32Array;
  /** [H, W] the whole silhouette (BOP's mask/). */
  readonly objectMask: Uint8Array;
  /** [H, W] the visible part (BOP's mask_visib/). */
  readonly mask: Uint8Array;
  /** [7] pose [x y z w i j k], metres. */
  readonly pose: Float64Array;
  /** BOP's bbox_obj [x, y, w, h] of the projected object (may leave the image), and bbox_visib of the visible pixels. */
  readonly bboxObj: [number, number, number, number];
  readonly bboxVisib: [number, number, number, number];
  readonly pxCountAll: number;
  readonly pxCountVisib: number;
  readonly occlusion: number;
}

/** The bounding box [x, y, w, h] of the nonzero pixels of a [H, W] mask ([-1, -1, 0, 0] when empty, as BOP writes it). */
export function maskBox(mask: Uint8Array, W: number, H: number): [number, number, number, number] {
  let x0 = W, y0 = H, x1 = -1, y1 = -1;
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) if (mask[r * W + c]) { x0 = Math.min(x0, c); x1 = Math.max(x1, c); y0 = Math.min(y0, r); y1 = Math.max(y1, r); }
  return x1 < 0 ? [-1, -1, 0, 0] : [x0, y0, x1 - x0 + 1, y1 - y0 + 1];
}

export function renderFrame(object: ObjectModel, rng: data.Random, options: FrameOptions = {}): FrameSample {
  const W = options.width ?? 640, H = options.height ?? 480;
  if (!(Number.isInteger(W) && Number.isInteger(H) && W >= 8 && H >= 8)) throw new ValueError(`renderFrame: width and height must be integers >= 8, got ${W} x ${H}`);
  const intrinsics: Intrinsics = options.intrinsics ?? LINEMOD_INTRINSICS;
  const pose = randomPose(rng, intrinsics, options.views === 'upper' ? { ...options, upperHemisphere: object.up } : options);
  const R = quaternionToMatrix(pose, undefined, 3);
  const cam = transformPoints(object.mesh.vertices, R, pose);
  let u0 = Infinity, u1 = -Infinity, v0 = Infinity, v1 = -Infinity;
  for (let i = 0; i < cam.length; i += 3) {
    const z = cam[i + 2]!;
    const u = (intrinsics.fx * cam[i]! + (intrinsics.s ?? 0) * cam[i + 1]!) / z + intrinsics.cx, v = (intrinsics.fy * cam[i + 1]!) / z + intrinsics.cy;
    u0 = Math.min(u0, u); u1 = Math.max(u1, u); v0 = Math.min(v0, v); v1 = Math.max(v1, v);
  }
  const K = Float64Array.of(intrinsics.fx, intrinsics.s ?? 0, intrinsics.cx, 0, intrinsics.fy, intrinsics.cy, 0, 0, 1);
  // Occluders sized to the object, as in a crop (its side is 1.5 object boxes).
  const extent = 1.5 * Math.max(u1 - u0, v1 - v0);
  const view = shadeObject(object, cam, K, W, H, rng, options, extent);
  let pxCountAll = 0, pxCountVisib = 0;
  for (let p = 0; p < W * H; p++) {
    pxCountAll += view.objectMask[p]!;
    pxCountVisib += view.mask[p]!;
  }
  const bboxObj: [number, number, number, number] = [Math.floor(u0 + 0.5), Math.floor(v0 + 0.5), Math.round(u1 - u0), Math.round(v1 - v0)];
  return { image: view.image, objectMask: view.objectMask, mask: view.mask, pose, bboxObj, bboxVisib: maskBox(view.mask, W, H), pxCountAll, pxCountVisib, occlusion: view.occlusion };
}
