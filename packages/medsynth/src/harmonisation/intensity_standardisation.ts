/**
 * Piecewise-linear intensity standardisation (Nyúl & Udupa, IEEE TMI 19:143, 2000; Nyúl, Udupa
 * & Zhang, 2000): an image's histogram landmarks (the 1st, 10th, 20th, …, 90th and 99th
 * percentiles inside its mask) are mapped onto a standard scale, linearly between landmarks
 * and, beyond the end ones, along the end segments. The standard scale here is the mean of the
 * landmarks of a reference site's training images in their own (already normalised) units, so
 * standardised images from another site land where the reference site's images lie and a model
 * trained on the reference site sees familiar intensities.
 */
import { ValueError } from '@lacuna/core';

/** Nyúl's landmark percentiles: 1, 10, 20, …, 90, 99. */
export const NYUL_PERCENTILES: readonly number[] = [1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 99];

export interface StandardScale {
  readonly percentiles: readonly number[];
  /** The standard intensity of each percentile (increasing). */
  readonly landmarks: readonly number[];
}

export interface MaskedImage {
  readonly values: Float32Array;
  /** 1 where the landmarks are measured (e.g. the head mask). */
  readonly mask: Uint8Array;
}

/** The image's intensity at each percentile inside its mask (linear interpolation between order statistics). */
export function intensityLandmarks(image: MaskedImage, percentiles: readonly number[] = NYUL_PERCENTILES): number[] {
  if (image.values.length !== image.mask.length) throw new ValueError(`intensityLandmarks: ${image.values.length} values but a mask of ${image.mask.length}`);
  const inside: number[] = [];
  for (let i = 0; i < image.values.length; i++) if (image.mask[i]) inside.push(image.values[i]!);
  if (inside.length < 2) throw new ValueError(`intensityLandmarks: the mask has ${inside.length} voxel(s); need at least 2`);
  const sorted = Float64Array.from(inside).sort();
  return percentiles.map((p) => {
    if (!(p >= 0 && p <= 100)) throw new ValueError(`intensityLandmarks: percentiles must lie in [0, 100], got ${p}`);
    const at = (p / 100) * (sorted.length - 1);
    const lo = Math.floor(at);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo]! + (at - lo) * (sorted[hi]! - sorted[lo]!);
  });
}

/** The standard scale of a reference set: the mean landmarks of its images. */
export function learnStandardScale(images: readonly MaskedImage[], percentiles: readonly number[] = NYUL_PERCENTILES): StandardScale {
  if (images.length === 0) throw new ValueError('learnStandardScale: give at least one image');
  const sums = new Array<number>(percentiles.length).fill(0);
  for (const im of images) intensityLandmarks(im, percentiles).forEach((v, i) => (sums[i]! += v / images.length));
  for (let i = 1; i < sums.length; i++) if (!(sums[i]! > sums[i - 1]!)) throw new ValueError(`learnStandardScale: the mean landmarks are not increasing at the ${percentiles[i]}th percentile (${sums[i - 1]} then ${sums[i]}): the images are (nearly) constant`);
  return { percentiles: [...percentiles], landmarks: sums };
}

/**
 * The image mapped onto the standard scale: its own landmarks (measured inside its mask) go to
 * the scale's, every voxel (inside the mask or not) by the same piecewise-linear map.
 */
export function standardiseIntensities(image: MaskedImage, scale: StandardScale): Float32Array {
  const own = intensityLandmarks(image, scale.percentiles);
  for (let i = 1; i < own.length; i++) {
    if (!(own[i]! > own[i - 1]!)) throw new ValueError(`standardiseIntensities: the image's ${scale.percentiles[i - 1]}th and ${scale.percentiles[i]}th percentiles are equal (${own[i]}): too few distinct intensities to map`);
  }
  const std = scale.landmarks;
  const last = own.length - 1;
  return image.values.map((v) => {
    // The segment of v (the end segments extend beyond the end landmarks).
    let k = 0;
    while (k < last - 1 && v > own[k + 1]!) k++;
    return std[k]! + ((v - own[k]!) * (std[k + 1]! - std[k]!)) / (own[k + 1]! - own[k]!);
  });
}
