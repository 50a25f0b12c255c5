/**
 * Intensity normalisation per modality, to [−1, 1] (the range of a tanh generator):
 * - MR ('mr'): arbitrary units, so scale by a percentile inside the head mask: 0 → −1 and the
 *   `percentile` (default 99.5) → +1 (MR magnitudes are ≥ 0; brighter outliers go above 1).
 * - CT ('ct'): a fixed Hounsfield window [lo, hi] (default [−1000, 2000]) → [−1, 1], clipped.
 * - PET ('pet'): SUV-like: divide by the mean uptake inside the head mask (dose and weight are
 *   unknown, so the head's mean stands in for injected dose per body mass), then [0, suvMax]
 *   → [−1, 1] (suvMax default 4).
 * Each normaliser records the scale it used, so predictions map back to the target's units.
 */
import { ValueError } from '@lacuna/core';

export type ModalityKind = 'mr' | 'ct' | 'pet';

/** The modality names Lacuna knows and their intensity model. */
export const MODALITY_KINDS: Readonly<Record<string, ModalityKind>> = { t1: 'mr', t2: 'mr', pd: 'mr', flair: 'mr', ct: 'ct', pet: 'pet' };

/** The intensity model of a modality name (unknown names are treated as MR). */
export function modalityKind(name: string): ModalityKind {
  return MODALITY_KINDS[name.toLowerCase()] ?? 'mr';
}

export interface NormSettings {
  readonly percentile?: number;
  readonly window?: readonly [number, number];
  readonly suvMax?: number;
}

/**
 * A fitted linear map value → 2·(value − offset)/scale − 1, clipped below at −1 and, when
 * `clipHigh` is set, above at it (JSON-safe: no Infinity).
 */
export interface IntensityNorm {
  readonly kind: ModalityKind;
  readonly offset: number;
  readonly scale: number;
  readonly clipHigh?: number;
}

/** The q-th percentile (0..100, linear interpolation) of values where mask is set (all if no mask). */
export function maskedPercentile(values: Float32Array, mask: Uint8Array | undefined, q: number): number {
  let n = 0;
  if (mask) for (let v = 0; v < values.length; v++) n += mask[v]!;
  const picked = mask ? new Float32Array(n) : Float32Array.from(values);
  if (mask) for (let v = 0, c = 0; v < values.length; v++) if (mask[v]) picked[c++] = values[v]!;
  if (picked.length === 0) throw new ValueError('maskedPercentile: the mask is empty');
  picked.sort();
  const pos = (q / 100) * (picked.length - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < picked.length ? picked[i]! * (1 - f) + picked[i + 1]! * f : picked[i]!;
}

function maskedMean(values: Float32Array, mask: Uint8Array): number {
  let s = 0;
  let n = 0;
  for (let v = 0; v < values.length; v++) {
    if (mask[v]) {
      s += values[v]!;
      n++;
    }
  }
  if (n === 0) throw new ValueError('maskedMean: the mask is empty');
  return s / n;
}

/** Fits the normaliser of one volume of the given kind (mask: its head mask). */
export function fitIntensityNorm(kind: ModalityKind, values: Float32Array, mask: Uint8Array, settings: NormSettings = {}): IntensityNorm {
  if (kind === 'ct') {
    const [lo, hi] = settings.window ?? [-1000, 2000];
    if (!(hi > lo)) throw new ValueError(`CT window: high (${hi}) must exceed low (${lo})`);
    return { kind, offset: lo, scale: hi - lo, clipHigh: 1 };
  }
  if (kind === 'pet') {
    const mean = maskedMean(values, mask);
    if (!(mean > 0)) throw new ValueError(`PET normalisation: mean uptake in the head mask is ${mean}, expected > 0`);
    return { kind, offset: 0, scale: mean * (settings.suvMax ?? 4) };
  }
  const hi = maskedPercentile(values, mask, settings.percentile ?? 99.5);
  if (!(hi > 0)) throw new ValueError(`MR normalisation: the ${settings.percentile ?? 99.5}th percentile in the head mask is ${hi}, expected > 0`);
  return { kind, offset: 0, scale: hi };
}

/** Applies a normaliser: a new array in [−1, 1]-ish units. */
export function normalizeIntensity(values: Float32Array, norm: IntensityNorm): Float32Array {
  const out = new Float32Array(values.length);
  const a = 2 / norm.scale;
  const high = norm.clipHigh ?? Infinity;
  for (let v = 0; v < values.length; v++) out[v] = Math.min(high, Math.max(-1, (values[v]! - norm.offset) * a - 1));
  return out;
}

/** Maps normalised values back to the modality's units. */
export function denormalizeIntensity(values: Float32Array, norm: IntensityNorm): Float32Array {
  const out = new Float32Array(values.length);
  const a = norm.scale / 2;
  for (let v = 0; v < values.length; v++) out[v] = (values[v]! + 1) * a + norm.offset;
  return out;
}

/** The normaliser to invert predictions of a new subject: the median scale of the training subjects. */
export function medianNorm(norms: readonly IntensityNorm[]): IntensityNorm {
  if (norms.length === 0) throw new ValueError('medianNorm: no normalisers');
  const scales = norms.map((n) => n.scale).sort((a, b) => a - b);
  const m = scales.length >> 1;
  const scale = scales.length % 2 ? scales[m]! : (scales[m - 1]! + scales[m]!) / 2;
  return { ...norms[0]!, scale };
}
