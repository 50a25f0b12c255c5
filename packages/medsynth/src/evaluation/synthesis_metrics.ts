/**
 * Synthesis metrics of a predicted volume against the reference, per axial slice and for the
 * whole volume, optionally inside a mask: MAE, PSNR (from the MSE over the masked voxels) and
 * SSIM (Wang et al. 2004: 11×11 Gaussian window, σ 1.5; the SSIM map of each slice averaged
 * over the masked pixels where the window fits).
 */
import { ValueError, metrics, tf, checkCount } from '@lacuna/core';

export interface SynthesisScores {
  readonly mae: number;
  readonly psnr: number;
  readonly ssim: number;
  /** Voxels that entered MAE and PSNR. */
  readonly voxels: number;
}

export interface SliceScores extends SynthesisScores {
  readonly slice: number;
}

export interface VolumeScores {
  readonly volume: SynthesisScores;
  /** Slices with at least one masked voxel. */
  readonly slices: SliceScores[];
}

export interface SynthesisMetricOptions {
  /** The intensity range L of PSNR and SSIM's stabilisers. Default: max − min of the reference inside the mask. */
  readonly dataRange?: number;
  /** Slices evaluated, inclusive. Default all. */
  readonly slices?: readonly [number, number];
  /** Slices per SSIM batch (bounds memory). Default 16. */
  readonly batch?: number;
}

const WINDOW = 11;

/** max − min of values where the mask is set. */
export function maskedRange(values: Float32Array, mask?: Uint8Array): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let v = 0; v < values.length; v++) {
    if (mask && !mask[v]) continue;
    const x = values[v]!;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return hi - lo;
}

/**
 * Scores `pred` against `ref` (both [nz, ny, nx], x fastest) inside `mask` (all voxels when
 * absent). Slices smaller than the SSIM window have SSIM NaN.
 */
export function synthesisMetrics(pred: Float32Array, ref: Float32Array, dims: readonly [number, number, number], mask?: Uint8Array, options: SynthesisMetricOptions = {}): VolumeScores {
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  for (const [name, a] of [['pred', pred], ['ref', ref], ['mask', mask]] as const) {
    if (a) checkCount(a.length, n, () => `synthesisMetrics: ${name} has ${a.length} voxels, the grid ${nx}x${ny}x${nz} has ${n}`);
  }
  if (mask && !mask.some((m) => m > 0)) throw new ValueError('synthesisMetrics: the mask has no voxels');
  const range = options.dataRange ?? maskedRange(ref, mask);
  if (!(range > 0) || !Number.isFinite(range)) throw new ValueError(`synthesisMetrics: data range must be > 0, got ${range} (is the reference constant inside the mask?)`);
  const [k0, k1] = options.slices ?? [0, nz - 1];
  const plane = nx * ny;
  const r = (WINDOW - 1) / 2;
  const canSsim = nx >= WINDOW && ny >= WINDOW;

  // SSIM maps, a batch of slices at a time: [b, ny − 10, nx − 10, 1].
  const ssimSum = new Float64Array(nz);
  const ssimCount = new Float64Array(nz);
  const batch = options.batch ?? 16;
  for (let k = k0; canSsim && k <= k1; k += batch) {
    const count = Math.min(batch, k1 - k + 1);
    const maps = tf.tidy(() => {
      const p = tf.tensor4d(pred.subarray(k * plane, (k + count) * plane), [count, ny, nx, 1]);
      const t = tf.tensor4d(ref.subarray(k * plane, (k + count) * plane), [count, ny, nx, 1]);
      return metrics.ssimMap(p, t, { dataRange: range });
    });
    const m = maps.dataSync();
    maps.dispose();
    const mh = ny - 2 * r;
    const mw = nx - 2 * r;
    for (let s = 0; s < count; s++) {
      for (let y = 0; y < mh; y++) {
        for (let x = 0; x < mw; x++) {
          if (mask && !mask[(k + s) * plane + (y + r) * nx + x + r]) continue;
          ssimSum[k + s] += m[(s * mh + y) * mw + x]!;
          ssimCount[k + s]++;
        }
      }
    }
  }

  const slices: SliceScores[] = [];
  let absAll = 0;
  let sqAll = 0;
  let voxAll = 0;
  let ssimAll = 0;
  let ssimNAll = 0;
  for (let k = k0; k <= k1; k++) {
    let abs = 0;
    let sq = 0;
    let vox = 0;
    for (let v = k * plane; v < (k + 1) * plane; v++) {
      if (mask && !mask[v]) continue;
      const d = pred[v]! - ref[v]!;
      abs += Math.abs(d);
      sq += d * d;
      vox++;
    }
    if (vox === 0) continue;
    absAll += abs;
    sqAll += sq;
    voxAll += vox;
    ssimAll += ssimSum[k]!;
    ssimNAll += ssimCount[k]!;
    slices.push({ slice: k, mae: abs / vox, psnr: psnrOf(sq / vox, range), ssim: ssimCount[k]! > 0 ? ssimSum[k]! / ssimCount[k]! : NaN, voxels: vox });
  }
  if (voxAll === 0) throw new ValueError('synthesisMetrics: the mask has no voxels in the evaluated slices');
  return { volume: { mae: absAll / voxAll, psnr: psnrOf(sqAll / voxAll, range), ssim: ssimNAll > 0 ? ssimAll / ssimNAll : NaN, voxels: voxAll }, slices };
}

function psnrOf(mse: number, range: number): number {
  return mse === 0 ? Infinity : 10 * Math.log10((range * range) / mse);
}
