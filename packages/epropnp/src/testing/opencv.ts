/**
 * OpenCV.js (`@techstark/opencv-js`, a dev dependency) as the reference PnP solver for tests
 * and benchmarks. Its module object is an Emscripten thenable: awaiting it hangs, so we wait
 * for `onRuntimeInitialized` instead.
 */
import { createRequire } from 'node:module';
import { poseFromRvecTvec } from '../geometry/rodrigues.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type OpenCv = any;

let loading: Promise<OpenCv> | undefined;

export function loadOpenCv(): Promise<OpenCv> {
  loading ??= new Promise((resolve, reject) => {
    const require = createRequire(import.meta.url);
    let cv: OpenCv;
    try {
      cv = require('@techstark/opencv-js');
    } catch (e) {
      reject(e);
      return;
    }
    const ready = () => {
      // Drop the thenable so the module can be passed around without being awaited.
      delete cv.then;
      resolve(cv);
    };
    if (cv.Mat) ready();
    else cv.onRuntimeInitialized = ready;
  });
  return loading;
}

export const OPENCV_METHODS = ['ITERATIVE', 'EPNP', 'SQPNP', 'RANSAC'] as const;
export type OpenCvMethod = (typeof OPENCV_METHODS)[number];

/**
 * Solves one problem with OpenCV: x3d [N, 3], x2d [N, 2], K 3x3 row-major. RANSAC runs
 * solvePnPRansac (EPnP minimal sets, then ITERATIVE on the inliers). Returns a pose
 * [x, y, z, w, i, j, k], or null when OpenCV reports failure.
 */
export function solvePnPOpenCv(cv: OpenCv, x3d: ArrayLike<number>, x2d: ArrayLike<number>, K: ArrayLike<number>, method: OpenCvMethod): Float64Array | null {
  const n = x3d.length / 3;
  const obj = cv.matFromArray(n, 1, cv.CV_64FC3, Array.from(x3d));
  const img = cv.matFromArray(n, 1, cv.CV_64FC2, Array.from(x2d));
  const cam = cv.matFromArray(3, 3, cv.CV_64F, Array.from(K));
  const dist = cv.Mat.zeros(4, 1, cv.CV_64F);
  const rvec = new cv.Mat();
  const tvec = new cv.Mat();
  try {
    let ok: boolean;
    if (method === 'RANSAC') {
      const inliers = new cv.Mat();
      ok = cv.solvePnPRansac(obj, img, cam, dist, rvec, tvec, false, 100, 8.0, 0.99, inliers, cv.SOLVEPNP_ITERATIVE);
      inliers.delete();
    } else {
      const flag = { ITERATIVE: cv.SOLVEPNP_ITERATIVE, EPNP: cv.SOLVEPNP_EPNP, SQPNP: cv.SOLVEPNP_SQPNP }[method];
      ok = cv.solvePnP(obj, img, cam, dist, rvec, tvec, false, flag);
    }
    if (!ok) return null;
    return poseFromRvecTvec(rvec.data64F, tvec.data64F);
  } finally {
    for (const m of [obj, img, cam, dist, rvec, tvec]) m.delete();
  }
}
