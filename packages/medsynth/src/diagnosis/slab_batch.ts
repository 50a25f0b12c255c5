/**
 * Batches of subject slabs, and the two layouts the networks take:
 * - G works slice by slice: MR [B·S, H, W, Cm] → PET [B·S, H, W, 1];
 * - the classifier sees a whole slab with slices as channels: [B, H, W, S·C], slice-major
 *   (slice s's modalities are channels s·C … s·C + C − 1), C = Cm (+ 1 with PET).
 *
 * Training augmentation is applied per subject, identically to every slice and modality:
 * a left–right flip (the phantom's disease is bilateral, so the label is kept) and an integer
 * shift of up to `shiftPx` pixels per axis, filling with −1 (background).
 */
import { tf, data, checkCount } from '@lacuna/core';
import type { SlabCohort } from './slab_cohort.js';

export interface Augmentation {
  readonly flip: boolean;
  readonly shiftPx: number;
}

export const NO_AUGMENTATION: Augmentation = { flip: false, shiftPx: 0 };

/** A batch of subjects in G's slice-wise layout. */
export interface SlabBatch {
  readonly mri: tf.Tensor4D; // [B·S, H, W, Cm]
  readonly pet: tf.Tensor4D; // [B·S, H, W, 1] (the cohort's PET: only meaningful for subjects with PET)
  readonly labels: tf.Tensor2D; // [B, 1]
  readonly size: number; // B
}

/** Copies one subject's slices [S, H, W, C] into out (same layout), flipped and shifted. */
function copyAugmented(src: Float32Array, srcBase: number, out: Float32Array, outBase: number, s: number, h: number, w: number, c: number, flip: boolean, dy: number, dx: number): void {
  for (let k = 0; k < s; k++) {
    for (let y = 0; y < h; y++) {
      const sy = y - dy;
      for (let x = 0; x < w; x++) {
        const sxShifted = x - dx;
        const sx = flip ? w - 1 - sxShifted : sxShifted;
        const o = outBase + ((k * h + y) * w + x) * c;
        if (sy < 0 || sy >= h || sx < 0 || sx >= w) {
          out.fill(-1, o, o + c);
        } else {
          const i = srcBase + ((k * h + sy) * w + sx) * c;
          for (let ch = 0; ch < c; ch++) out[o + ch] = src[i + ch]!;
        }
      }
    }
  }
}

/**
 * Gathers subjects `indices` of the cohort (augmented with `rng` when given). The caller
 * disposes the tensors (see `disposeBatch`).
 */
export function gatherSlabs(cohort: SlabCohort, indices: readonly number[], aug: Augmentation = NO_AUGMENTATION, rng?: data.Random): SlabBatch {
  const { slices: s, height: h, width: w, mriChannels: cm } = cohort;
  const b = indices.length;
  const mri = new Float32Array(b * s * h * w * cm);
  const pet = new Float32Array(b * s * h * w);
  const labels = new Float32Array(b);
  indices.forEach((i, j) => {
    const flip = aug.flip && rng ? rng.uniform() < 0.5 : false;
    const dy = aug.shiftPx > 0 && rng ? rng.int(-aug.shiftPx, aug.shiftPx + 1) : 0;
    const dx = aug.shiftPx > 0 && rng ? rng.int(-aug.shiftPx, aug.shiftPx + 1) : 0;
    copyAugmented(cohort.mri, i * s * h * w * cm, mri, j * s * h * w * cm, s, h, w, cm, flip, dy, dx);
    copyAugmented(cohort.pet, i * s * h * w, pet, j * s * h * w, s, h, w, 1, flip, dy, dx);
    labels[j] = cohort.labels[i]!;
  });
  return {
    mri: tf.tensor4d(mri, [b * s, h, w, cm]),
    pet: tf.tensor4d(pet, [b * s, h, w, 1]),
    labels: tf.tensor2d(labels, [b, 1]),
    size: b,
  };
}

export function disposeBatch(batch: SlabBatch): void {
  tf.dispose([batch.mri, batch.pet, batch.labels]);
}

/**
 * The classifier's input from slice-wise MR [B·S, H, W, Cm] and optionally PET [B·S, H, W, 1]:
 * [B, H, W, S·(Cm + 1)] (or S·Cm without PET). Differentiable, so G's output can flow in.
 */
export function slabChannels(mri: tf.Tensor4D, pet: tf.Tensor4D | null, slices: number): tf.Tensor4D {
  return tf.tidy(() => {
    const x = pet ? tf.concat([mri, pet], 3) : mri; // [B·S, H, W, C]
    const [bs, h, w, c] = x.shape;
    checkCount(bs % slices, 0, () => `slabChannels: ${bs} slices is not a multiple of ${slices} per subject`);
    const b = bs / slices;
    return tf.reshape(tf.transpose(tf.reshape(x, [b, slices, h, w, c]), [0, 2, 3, 1, 4]), [b, h, w, slices * c]) as tf.Tensor4D;
  });
}
