/**
 * The one call a user needs: `estimatePose(image, model, { camera, box })` returns the pose of
 * the object in the image with its uncertainty: the covariance of the Laplace approximation at
 * the solution, the spread of AMIS samples of the pose distribution p(y | X), and the samples.
 * `image` is the camera image ([H, W, C] in [0, 1]); `box` the square crop around the object
 * ({ cx, cy, size } in image pixels, as a detector gives it), cut and resized to the model's
 * input here. Without `box` the image is the crop: the whole image, seen by `camera`.
 * One image or an array of them (one network batch).
 */
import { tf, ValueError } from '@lacuna/core';
import type { Intrinsics } from '../geometry/camera.js';
import { poseToRvecTvec } from '../geometry/rodrigues.js';
import { quaternionToMatrix } from '../geometry/rotation.js';
import type { ProblemStatus } from '../problem/pnp_batch.js';
import { cropImage, type CropBox } from '../render/crop.js';
import { estimatePoses } from './estimate_pose.js';
import { poseDistribution } from './pose_distribution.js';
import type { LoadedPoseModel } from './pose_model.js';

/** An image as [H, W, C] values in [0, 1] (a decoded PNG is one). */
export interface PoseImage {
  readonly data: ArrayLike<number>;
  readonly shape: readonly [number, number, number];
}

export interface EstimatePoseOptions {
  /** The camera of the image. Default: the model's (the one it was trained with). */
  readonly camera?: Intrinsics;
  /** The crop around the object in image pixels; one per image for a batch. */
  readonly box?: CropBox | readonly CropBox[];
  /** AMIS samples of the pose distribution. Default 512. */
  readonly samples?: number;
  /** Seed of the sampler. Default 0. */
  readonly seed?: number;
}

export interface PoseEstimate {
  /** 'ok', 'poor-fit' (the pose is the best fit, far from the weights' noise level), or why there is none. */
  readonly status: ProblemStatus;
  /** [x, y, z, w, i, j, k]: x_cam = R x_obj + t, metres (NaN without a pose). */
  readonly pose: Float64Array;
  /** Row-major rotation matrix and translation (metres); rvec as OpenCV's. */
  readonly R: Float64Array;
  readonly t: Float64Array;
  readonly rvec: Float64Array;
  /** 6x6 covariance of [dt, dtheta] (Laplace approximation at the solution). */
  readonly covariance: Float64Array;
  readonly uncertainty: {
    /** Weighted standard deviation of the AMIS samples' translation, per axis (metres). */
    readonly translationStd: [number, number, number];
    /** Weighted RMS angle between the AMIS samples and the pose (degrees). */
    readonly rotationStdDeg: number;
    /** Effective sample size of the AMIS weights. */
    readonly ess: number;
  };
  /** [S, 7] AMIS pose samples and their [S] normalised weights. */
  readonly samples: Float64Array;
  readonly sampleWeights: Float64Array;
  /** The crop box used. */
  readonly box: CropBox;
  /** The network's maps on the crop, for pictures: [H, W] weights, [H, W, 3] object coordinates. */
  readonly maps: { readonly weights: Float32Array; readonly x3d: Float32Array; readonly outputSize: number };
}

/** The pose of each crop [S, S, 3] (already cut) at its box in the camera image. */
export function estimateCropPoses(crops: readonly Float32Array[], boxes: readonly CropBox[], model: LoadedPoseModel, options: Omit<EstimatePoseOptions, 'box'> = {}): PoseEstimate[] {
  const S = model.meta.inputSize;
  const intrinsics = options.camera ?? model.meta.intrinsics;
  const images = tf.tensor4d(crops.length === 1 ? crops[0]! : concat(crops), [crops.length, S, S, 3]);
  const flatBoxes = boxes.flatMap((b) => [b.cx, b.cy, b.size]);
  try {
    const est = estimatePoses(model.net, images, flatBoxes, { variant: model.meta.variant, halfExtent: model.meta.object.halfExtent, intrinsics, ...(model.meta.kernel ? { kernel: model.meta.kernel } : {}) });
    return crops.map((_, b) => {
      const status = est.status[b]!;
      const pose = est.pose.slice(b * 7, b * 7 + 7);
      const usable = status === 'ok' || status === 'poor-fit';
      const dist = usable ? poseDistribution(est, b, { samples: options.samples ?? 512, seed: options.seed ?? 0 }) : null;
      const { rvec, tvec } = usable ? poseToRvecTvec(pose) : { rvec: new Float64Array(3).fill(NaN), tvec: new Float64Array(3).fill(NaN) };
      return {
        status,
        pose,
        R: usable ? quaternionToMatrix(pose, new Float64Array(9), 3) : new Float64Array(9).fill(NaN),
        t: tvec,
        rvec,
        covariance: est.covariance.slice(b * 36, b * 36 + 36),
        uncertainty: dist ? { translationStd: dist.translationStd, rotationStdDeg: dist.rotationRmsDeg, ess: dist.ess } : { translationStd: [NaN, NaN, NaN], rotationStdDeg: NaN, ess: 0 },
        samples: dist?.samples ?? new Float64Array(0),
        sampleWeights: dist?.weights ?? new Float64Array(0),
        box: boxes[b]!,
        maps: { weights: est.weights.slice(b * est.outputSize ** 2, (b + 1) * est.outputSize ** 2), x3d: est.x3d.slice(b * est.outputSize ** 2 * 3, (b + 1) * est.outputSize ** 2 * 3), outputSize: est.outputSize },
      };
    });
  } finally {
    images.dispose();
  }
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function estimatePose(image: PoseImage, model: LoadedPoseModel, options?: EstimatePoseOptions): PoseEstimate;
export function estimatePose(image: readonly PoseImage[], model: LoadedPoseModel, options?: EstimatePoseOptions): PoseEstimate[];
export function estimatePose(image: PoseImage | readonly PoseImage[], model: LoadedPoseModel, options: EstimatePoseOptions = {}): PoseEstimate | PoseEstimate[] {
  const images = Array.isArray(image) ? (image as readonly PoseImage[]) : [image as PoseImage];
  if (images.length === 0) throw new ValueError('estimatePose: no images');
  const boxes = options.box === undefined ? null : Array.isArray(options.box) ? (options.box as readonly CropBox[]) : images.map(() => options.box as CropBox);
  if (boxes && boxes.length !== images.length) throw new ValueError(`estimatePose: ${boxes.length} boxes for ${images.length} images`);
  const S = model.meta.inputSize;
  const crops: Float32Array[] = [];
  const used: CropBox[] = [];
  images.forEach((img, i) => {
    const [H, W, C] = img.shape;
    if (img.shape.length !== 3 || !(H > 0 && W > 0 && C >= 1 && C <= 4) || img.data.length !== H * W * C) {
      throw new ValueError(`estimatePose: image ${i} must be [H, W, C] with C in 1..4 and H*W*C values, got [${img.shape.join(', ')}] with ${img.data.length} values`);
    }
    for (let k = 0; k < img.data.length; k++) if (!Number.isFinite(img.data[k]!)) throw new ValueError(`estimatePose: image ${i} value ${k} is ${img.data[k]}`);
    // Without a box the image is the crop: its centre and its longer side.
    const box = boxes ? boxes[i]! : { cx: (W - 1) / 2, cy: (H - 1) / 2, size: Math.max(W, H) };
    if (!(box.size > 0) || !Number.isFinite(box.cx) || !Number.isFinite(box.cy)) throw new ValueError(`estimatePose: box ${i} must have finite cx, cy and a positive size, got ${JSON.stringify(box)}`);
    crops.push(cropImage(img.data, W, H, C, box, S));
    used.push(box);
  });
  const out = estimateCropPoses(crops, used, model, options);
  return Array.isArray(image) ? out : out[0]!;
}
