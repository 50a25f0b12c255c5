/**
 * nuScenes-style 3-D detection metrics (Caesar et al., CVPR 2020), at the scale of a rendered
 * scene set:
 *   mAP  predictions of a class, most confident first, each matched to the nearest unmatched
 *        ground-truth box of that class in its image by centre distance on the ground plane;
 *        AP per distance threshold (0.5, 1, 2, 4 m) from the precision at 101 recall points
 *        (linear interpolation, 0 beyond the highest recall), keeping recall > 0.1 and
 *        precision above 0.1 rescaled to [0, 1]; mAP = mean over classes and thresholds
 *   ATE  centre distance on the ground plane (m)          } over the true positives at the 2 m
 *   ASE  1 − 3-D IoU after aligning centre and heading    } threshold, mean over classes; 1 for
 *   AOE  smallest heading difference (rad)                } a class with no true positive
 *   NDS  (5·mAP + Σ over ATE, ASE, AOE of (1 − min(1, error))) / 8
 * Simplified from nuScenes: the true-positive errors are plain means over the matches (nuScenes
 * averages the running mean over recall), there are no velocity or attribute errors, and AOE
 * leaves out classes whose heading is undefined (`headingFree`, e.g. a cylinder-like pedestrian).
 * A per-distance breakdown scores the boxes whose ground-truth centre lies in each range band.
 */
import { ValueError } from '@lacuna/core';
import { alignedIoU, groundDistance, rangeOf, yawDifference, type Box3D, type ScoredBox3D } from './box3d.js';

/** One image: its ground-truth boxes and a detector's predictions. */
export interface DetectionSample {
  readonly truth: readonly Box3D[];
  readonly predicted: readonly ScoredBox3D[];
}

export interface DetectionMetricOptions {
  /** The classes scored (default: every label in the ground truth, sorted). */
  readonly classes?: readonly string[];
  /** Matching thresholds on the ground plane (m). Default [0.5, 1, 2, 4]. */
  readonly thresholds?: readonly number[];
  /** The threshold whose matches give ATE, ASE, AOE (m). Default 2. */
  readonly tpThreshold?: number;
  /** Classes without a defined heading, left out of AOE. Default none. */
  readonly headingFree?: readonly string[];
  /** Range bands (m) for the per-distance breakdown. Default [[0, 20], [20, 30], [30, Infinity]]. */
  readonly distanceBands?: readonly (readonly [number, number])[];
}

export interface TruePositiveErrors {
  readonly ate: number;
  readonly ase: number;
  readonly aoe: number;
}

export interface DetectionMetrics extends TruePositiveErrors {
  readonly map: number;
  readonly nds: number;
  /** The matching thresholds (m), in the order of each class's `ap`. */
  readonly thresholds: readonly number[];
  /** Per class: AP at each threshold, mean AP, the TP errors (NaN AOE for heading-free classes) and counts. */
  readonly perClass: Readonly<Record<string, { ap: number[]; map: number; errors: TruePositiveErrors; truth: number; predicted: number }>>;
  /** Per range band ("0-20", "20-30", "30-inf"): mAP over classes present there, and the ground-truth count. */
  readonly perDistance: Readonly<Record<string, { map: number; truth: number }>>;
}

const MIN_RECALL = 0.1;
const MIN_PRECISION = 0.1;
const RECALL_POINTS = 101;

/** What matching one class at one threshold yields, most confident prediction first. */
interface ClassMatches {
  /** Per prediction (by descending score): the matched truth, or null for a false positive. */
  readonly matched: (Box3D | null)[];
  readonly predicted: ScoredBox3D[];
  readonly truthCount: number;
}

function matchClass(samples: readonly DetectionSample[], label: string, threshold: number): ClassMatches {
  const entries: { box: ScoredBox3D; image: number }[] = [];
  samples.forEach((s, image) => s.predicted.forEach((box) => box.label === label && entries.push({ box, image })));
  // Stable order for ties: by score, then image, then input order.
  entries.sort((a, b) => b.box.score - a.box.score || a.image - b.image);
  const taken = samples.map((s) => new Array<boolean>(s.truth.length).fill(false));
  let truthCount = 0;
  for (const s of samples) for (const t of s.truth) if (t.label === label) truthCount++;
  const matched = entries.map(({ box, image }) => {
    let best = -1;
    let bestDistance = Infinity;
    samples[image]!.truth.forEach((t, j) => {
      if (t.label !== label || taken[image]![j]) return;
      const d = groundDistance(box, t);
      if (d < bestDistance) { bestDistance = d; best = j; }
    });
    if (best < 0 || bestDistance > threshold) return null;
    taken[image]![best] = true;
    return samples[image]!.truth[best]!;
  });
  return { matched, predicted: entries.map((e) => e.box), truthCount };
}

/** Precision at recall r on the curve through (recall_i, precision_i): linear between points, precision_0 below the first, 0 above the last. */
function precisionAt(recall: readonly number[], precision: readonly number[], r: number): number {
  if (recall.length === 0 || r > recall[recall.length - 1]!) return 0;
  let i = 0;
  while (recall[i]! < r) i++;
  if (i === 0 || recall[i] === recall[i - 1]) return precision[i]!;
  const f = (r - recall[i - 1]!) / (recall[i]! - recall[i - 1]!);
  return precision[i - 1]! + f * (precision[i]! - precision[i - 1]!);
}

/** nuScenes' AP of one class at one threshold (0 when the class has no ground truth or no prediction). */
export function averagePrecision(m: Pick<ClassMatches, 'matched' | 'truthCount'>): number {
  if (m.truthCount === 0 || m.matched.length === 0) return 0;
  const recall: number[] = [];
  const precision: number[] = [];
  let tp = 0;
  m.matched.forEach((t, i) => {
    if (t) tp++;
    recall.push(tp / m.truthCount);
    precision.push(tp / (i + 1));
  });
  let sum = 0;
  let n = 0;
  // Recall points above MIN_RECALL: 0.11, 0.12, ..., 1.
  for (let k = Math.round(MIN_RECALL * (RECALL_POINTS - 1)) + 1; k < RECALL_POINTS; k++) {
    sum += Math.max(0, precisionAt(recall, precision, k / (RECALL_POINTS - 1)) - MIN_PRECISION);
    n++;
  }
  return sum / n / (1 - MIN_PRECISION);
}

function truePositiveErrors(m: ClassMatches, headingFree: boolean): TruePositiveErrors {
  let ate = 0, ase = 0, aoe = 0, n = 0;
  m.matched.forEach((t, i) => {
    if (!t) return;
    const p = m.predicted[i]!;
    ate += groundDistance(p, t);
    ase += 1 - alignedIoU(p, t);
    aoe += yawDifference(p.yaw, t.yaw);
    n++;
  });
  // No true positive: the worst error, as nuScenes scores it.
  if (n === 0) return { ate: 1, ase: 1, aoe: headingFree ? NaN : 1 };
  return { ate: ate / n, ase: ase / n, aoe: headingFree ? NaN : aoe / n };
}

function checkBox(b: Box3D, where: string, scored: boolean): void {
  const numbers = [...b.centre, ...b.size, b.yaw, ...(scored ? [(b as ScoredBox3D).score] : [])];
  if (typeof b.label !== 'string' || b.centre?.length !== 3 || b.size?.length !== 3 || !numbers.every(Number.isFinite)) {
    throw new ValueError(`detectionMetrics: ${where} needs a label, a 3-vector centre and size, a yaw${scored ? ' and a score' : ''}, all finite`);
  }
}

const mean = (v: readonly number[]): number => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : 0);

function bandName([lo, hi]: readonly [number, number]): string {
  return `${lo}-${Number.isFinite(hi) ? hi : 'inf'}`;
}

export function detectionMetrics(samples: readonly DetectionSample[], options: DetectionMetricOptions = {}): DetectionMetrics {
  samples.forEach((s, i) => {
    s.truth.forEach((b, j) => checkBox(b, `image ${i} truth ${j}`, false));
    s.predicted.forEach((b, j) => checkBox(b, `image ${i} prediction ${j}`, true));
  });
  const thresholds = options.thresholds ?? [0.5, 1, 2, 4];
  const tpThreshold = options.tpThreshold ?? 2;
  if (!thresholds.length || !thresholds.every((t) => t > 0) || !(tpThreshold > 0)) throw new ValueError('detectionMetrics: matching thresholds must be positive');
  const classes = options.classes ?? [...new Set(samples.flatMap((s) => s.truth.map((b) => b.label)))].sort();
  if (!classes.length) throw new ValueError('detectionMetrics: no classes to score (no ground-truth boxes and no `classes` given)');
  const headingFree = new Set(options.headingFree ?? []);

  const classMap = (subset: readonly DetectionSample[], label: string) => mean(thresholds.map((t) => averagePrecision(matchClass(subset, label, t))));
  const perClass: Record<string, DetectionMetrics['perClass'][string]> = {};
  for (const label of classes) {
    const ap = thresholds.map((t) => averagePrecision(matchClass(samples, label, t)));
    perClass[label] = {
      ap,
      map: mean(ap),
      errors: truePositiveErrors(matchClass(samples, label, tpThreshold), headingFree.has(label)),
      truth: samples.reduce((n, s) => n + s.truth.filter((b) => b.label === label).length, 0),
      predicted: samples.reduce((n, s) => n + s.predicted.filter((b) => b.label === label).length, 0),
    };
  }
  const map = mean(classes.map((c) => perClass[c]!.map));
  const ate = mean(classes.map((c) => perClass[c]!.errors.ate));
  const ase = mean(classes.map((c) => perClass[c]!.errors.ase));
  const headed = classes.filter((c) => !headingFree.has(c));
  const aoe = headed.length ? mean(headed.map((c) => perClass[c]!.errors.aoe)) : 0;
  const nds = (5 * map + [ate, ase, aoe].reduce((s, e) => s + (1 - Math.min(1, e)), 0)) / 8;

  // A box belongs to a band by its range; a prediction by its own range, so a far false positive does not count against a near band.
  const perDistance: Record<string, { map: number; truth: number }> = {};
  for (const band of options.distanceBands ?? [[0, 20], [20, 30], [30, Infinity]] as const) {
    const inBand = (b: Box3D) => rangeOf(b) >= band[0] && rangeOf(b) < band[1];
    const subset = samples.map((s) => ({ truth: s.truth.filter(inBand), predicted: s.predicted.filter(inBand) }));
    const present = classes.filter((c) => subset.some((s) => s.truth.some((b) => b.label === c)));
    perDistance[bandName(band)] = { map: mean(present.map((c) => classMap(subset, c))), truth: subset.reduce((n, s) => n + s.truth.length, 0) };
  }
  return { map, ate, ase, aoe, nds, thresholds: [...thresholds], perClass, perDistance };
}
