/**
 * The pose distribution of a two-fold symmetric object, worked end to end (what `lacuna demo`
 * and `lacuna app` show). A box whose texture is the same after a 180° turn about its z axis
 * is rendered; its correspondences are made ambiguous the way a network unsure between the
 * two symmetric poses makes them (half of the pixels, in 4x4 blocks, carry the turned object
 * coordinates). The weighted PnP solution is one pose; the distribution p(y | X) has two
 * modes: the orientation profile about z shows both peaks, and AMIS samples drawn around each
 * mode (weighted by each mode's estimated evidence) land on both. The unambiguous
 * correspondences give one peak. Pure computation: runs in Node and in browsers.
 */
import { renderDataset } from '../dataset/pose_dataset.js';
import { rotationErrorDeg } from '../evaluation/pose_metrics.js';
import { matrixToQuaternion, quaternionToMatrix } from '../geometry/rotation.js';
import { makeCamera } from '../geometry/camera.js';
import { makePnPBatch } from '../problem/pnp_batch.js';
import { pixelGridX2d } from '../network/pnp_inputs.js';
import { axisAngleMatrix, symmetryRotations } from '../render/mesh.js';
import { solvePnPBatch } from '../solver/solve_pnp.js';
import { densityPeaks, multiModePoseSamples } from './pose_distribution.js';
import { correspondencePicture, orientationProfile, poseSamplesPicture, type RgbImage } from './pose_pictures.js';

export interface SymmetricCase {
  readonly name: 'unambiguous' | 'ambiguous';
  /** Pose density exp(-cost) along rotations of the true pose about z, max 1; bin k is k·360/length degrees. */
  readonly profile: Float64Array;
  /** Peaks of the profile (degrees). */
  readonly peaks: number[];
  /** The crop, its weights and its object coordinates side by side. */
  readonly correspondences: RgbImage;
  /** AMIS pose samples drawn over the crop. */
  readonly samples: RgbImage;
  /** Modes AMIS sampled around, and each mode's share of the evidence. */
  readonly modes: number;
  readonly shares: number[];
  /** Rotation error of the weighted PnP solution, symmetry-aware (degrees). */
  readonly solutionErrorDeg: number;
}

export interface SymmetricExampleOptions {
  readonly seed?: number;
  /** Crop size in pixels. Default 64. */
  readonly cropSize?: number;
}

export function symmetricPoseExample(o: SymmetricExampleOptions = {}): SymmetricCase[] {
  const seed = o.seed ?? 0;
  const S = o.cropSize ?? 64;
  const ds = renderDataset({ object: 'box', count: 1, seed, cropSize: S, views: 'upper', zoomIn: { shift: 0, scale: 0 }, occlusionProbability: 0 });
  const sym = ds.object.symmetry.kind === 'discrete' ? ds.object.symmetry : null;
  if (!sym) throw new Error('symmetricPoseExample: the box should have a discrete symmetry');
  const turn = axisAngleMatrix(sym.axis, Math.PI);
  const N = S * S;
  const x2d = pixelGridX2d(ds.boxes, S, S);
  const w2d = new Float32Array(N * 2);
  // Weights as the network gives them: a softmax over the points times a scale (here 20 per
  // axis, spread evenly over the visible pixels).
  let visible = 0;
  for (let i = 0; i < N; i++) visible += ds.masks[i]!;
  const clean = new Float32Array(ds.x3d);
  const ambiguous = new Float32Array(ds.x3d);
  for (let i = 0; i < N; i++) {
    w2d[i * 2] = w2d[i * 2 + 1] = (20 * ds.masks[i]!) / visible;
    const r = Math.floor(i / S), c = i % S;
    if (((r >> 2) + (c >> 2)) % 2 === 1) {
      const x = [ds.x3d[i * 3]!, ds.x3d[i * 3 + 1]!, ds.x3d[i * 3 + 2]!];
      for (let k = 0; k < 3; k++) ambiguous[i * 3 + k] = turn[k * 3]! * x[0]! + turn[k * 3 + 1]! * x[1]! + turn[k * 3 + 2]! * x[2]!;
    }
  }
  const camera = makeCamera(ds.intrinsics);
  const symmetries = symmetryRotations(ds.object.symmetry);
  const crop = Float32Array.from(ds.images, (v) => v / 255);
  const weights = Float32Array.from({ length: N }, (_, i) => w2d[i * 2]!);
  const he = ds.object.halfExtent;
  const truth = ds.poses;
  const out: SymmetricCase[] = [];
  for (const [name, x3d] of [['unambiguous', clean], ['ambiguous', ambiguous]] as const) {
    const batch = makePnPBatch({ x3d, x2d, w2d, camera, N, B: 1 });
    const sol = solvePnPBatch(batch, { init: 'both', seed });
    // The slice of p(y | X) through the true pose, along rotations about the symmetry axis.
    const profile = orientationProfile(batch, 0, truth, sym.axis);
    const peaks = densityPeaks(profile, 0.2);
    // Its symmetric twin y' = (R S, t) explains the other reading of the points.
    const R = quaternionToMatrix(truth, new Float64Array(9), 3);
    const RS = new Float64Array(9);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) RS[r * 3 + c] = RS[r * 3 + c]! + R[r * 3 + k]! * turn[k * 3 + c]!;
    const twin = Float64Array.of(truth[0]!, truth[1]!, truth[2]!, ...matrixToQuaternion(RS));
    // AMIS at each mode (LM from the truth and from its twin finds the modes near them).
    const modes = peaks.length > 1 ? [truth.slice(), twin] : [truth.slice()];
    const dist = multiModePoseSamples(batch, modes, seed);
    out.push({
      name,
      profile,
      peaks,
      correspondences: correspondencePicture(crop, S, weights, x3d, S, he),
      samples: poseSamplesPicture(crop, S, Array.from(ds.boxes), ds.intrinsics, dist.samples, dist.weights, [he[0]!, 0, 0]),
      modes: modes.length,
      shares: dist.shares,
      solutionErrorDeg: rotationErrorDeg(sol.pose, truth, symmetries),
    });
  }
  return out;
}
