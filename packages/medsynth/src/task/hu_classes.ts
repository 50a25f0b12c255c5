/**
 * A network-free task for MR → CT synthesis: soft threshold segmentation of CT into HU
 * classes, compared between the synthetic and the real CT.
 *
 * Classes and thresholds (HU): air < −500 < fat < −30 < soft tissue < 300 < bone.
 * −500 is halfway between air (−1000) and fat (about −100); −30 is the usual upper end of
 * adipose tissue (fat is commonly segmented in [−190, −30] HU); 300 separates soft tissue
 * (brain, muscle, blood: 0–100 HU) from cancellous and cortical bone (roughly 300–2000 HU).
 * On the phantom (phantom/tissues.ts CT_HU) this puts background in air, fat in fat, CSF, GM,
 * WM, scalp and lesion in soft tissue and skull (1000) in bone.
 *
 * Soft memberships: with s_j = σ((h − t_j)/τ) for the thresholds t_1 < t_2 < t_3,
 * air = 1 − s_1, fat = s_1 − s_2, soft = s_2 − s_3, bone = s_3: non-negative, summing to 1,
 * tending to the hard classes as τ → 0. τ defaults to 20 HU. HU come from normalised
 * intensities v by inverting the CT window [lo, hi] → [−1, 1]: h = lo + (v + 1)(hi − lo)/2
 * (data/intensity_norm.ts, default window [−1000, 2000]).
 *
 * The loss is the mean over pixels of the total-variation distance ½ Σ_k |m_k(fake) − m_k(real)|,
 * in [0, 1]; with hard memberships it is the fraction of pixels whose HU class differs. The
 * gradient only flows where G's HU is within a few τ of a threshold.
 */
import { tf, ValueError, stopGradient, checkSameShape, checkShape } from '@lacuna/core';

export const HU_CLASSES = ['air', 'fat', 'soft', 'bone'] as const;
/** Class boundaries in HU, ascending: air|fat, fat|soft tissue, soft tissue|bone. */
export const HU_THRESHOLDS: readonly [number, number, number] = [-500, -30, 300];
/** The CT window of the normalisation (data/intensity_norm.ts). */
export const DEFAULT_CT_WINDOW: readonly [number, number] = [-1000, 2000];
/** Sigmoid temperature in HU. */
export const DEFAULT_HU_TAU = 20;

export interface HuClassOptions {
  /** CT window [lo, hi] mapped to [−1, 1]. Default [−1000, 2000]. */
  readonly window?: readonly [number, number];
  /** Temperature τ in HU. Default 20. */
  readonly tau?: number;
  /** Ascending class boundaries in HU. Default HU_THRESHOLDS. */
  readonly thresholds?: readonly number[];
}

function resolve(options: HuClassOptions): { lo: number; hi: number; tau: number; thresholds: readonly number[] } {
  const [lo, hi] = options.window ?? DEFAULT_CT_WINDOW;
  const tau = options.tau ?? DEFAULT_HU_TAU;
  const thresholds = options.thresholds ?? HU_THRESHOLDS;
  if (!(hi > lo)) throw new ValueError(`huSoftClasses: window high (${hi}) must exceed low (${lo})`);
  if (!(tau > 0)) throw new ValueError(`huSoftClasses: tau must be > 0 HU, got ${tau}`);
  if (thresholds.length === 0 || thresholds.some((t, i) => !Number.isFinite(t) || (i > 0 && !(t > thresholds[i - 1]!)))) {
    throw new ValueError(`huSoftClasses: thresholds must be finite and ascending, got [${thresholds.join(', ')}]`);
  }
  return { lo, hi, tau, thresholds };
}

/** Normalised CT [B, H, W, 1] → HU. */
export function normalisedToHu(x: tf.Tensor, window: readonly [number, number] = DEFAULT_CT_WINDOW): tf.Tensor {
  const [lo, hi] = window;
  return tf.tidy(() => tf.add(tf.mul(tf.add(x, 1), (hi - lo) / 2), lo));
}

/** Soft class memberships of normalised CT [B, H, W, 1] → [B, H, W, thresholds + 1], summing to 1. */
export function huSoftClasses(x: tf.Tensor4D, options: HuClassOptions = {}): tf.Tensor4D {
  checkShape(x.shape, ['B', 'H', 'W', 1], 'huSoftClasses', () => `huSoftClasses: CT must be [B, H, W, 1], got [${x.shape.join(', ')}]`);
  const { lo, hi, tau, thresholds } = resolve(options);
  return tf.tidy(() => {
    const hu = normalisedToHu(x, [lo, hi]);
    const above = tf.sigmoid(tf.div(tf.sub(hu, tf.tensor1d(thresholds as number[]).reshape([1, 1, 1, -1])), tau)); // [B, H, W, T]: s_j
    const upper = tf.concat([tf.onesLike(tf.slice(above, [0, 0, 0, 0], [-1, -1, -1, 1])), above], 3); // [1, s_1 … s_T]
    const lower = tf.concat([above, tf.zerosLike(tf.slice(above, [0, 0, 0, 0], [-1, -1, -1, 1]))], 3); // [s_1 … s_T, 0]
    return tf.sub(upper, lower) as tf.Tensor4D; // class k: s_k − s_{k+1}
  });
}

/** Mean total-variation distance between the soft HU classes of fake and real (real held constant). */
export function huThresholdLoss(fake: tf.Tensor4D, real: tf.Tensor4D, options: HuClassOptions = {}): tf.Scalar {
  checkSameShape(fake.shape, real.shape, 'huThresholdLoss', ['fake', 'real']);
  return tf.tidy(() => {
    const mFake = huSoftClasses(fake, options);
    const mReal = stopGradient(huSoftClasses(real, options));
    return tf.mul(tf.mean(tf.sum(tf.abs(tf.sub(mFake, mReal)), -1)), 0.5) as tf.Scalar;
  });
}
