/**
 * The task side of a training run (task-oriented synthesis): the segmenter F trained on real
 * target slices with the phantom's tissue classes, and the task scores: the Dice of such a
 * segmenter on synthetic target slices, and for MR → CT the agreement of HU classes.
 */
import { ValueError, tf, type tfl } from '@lacuna/core';
import type { PairedStacks, PairedSubject } from '../data/paired_volumes.js';
import { stackSubjects } from '../data/paired_volumes.js';
import type { SliceStack } from '../data/slice_stack.js';
import { PHANTOM_SEG_CLASSES, SEG_CLASS_NAMES } from '../task/phantom_seg_classes.js';
import { DEFAULT_CT_WINDOW, HU_CLASSES, HU_THRESHOLDS } from '../task/hu_classes.js';
import { segmentationDice, trainSegmenter } from '../task/segmenter.js';
import type { SynthesisModelInfo } from './predict_volume.js';
import type { SliceSynthesizer } from './slice_synthesizer.js';
import type { SegmenterSettings } from './train_config.js';

/** Phantom tissue labels (0..7) → the segmenter's classes (background, CSF, GM, WM). */
export function segClassStack(labels: SliceStack): SliceStack {
  return { data: labels.data.map((l) => PHANTOM_SEG_CLASSES[l]!), shape: labels.shape };
}

export function requireLabels(stacks: PairedStacks, what: string): SliceStack {
  if (!stacks.labels) throw new ValueError(`${what} needs tissue labels: every subject must have a labels.nii.gz (phantom folders do) or a "labels" file`);
  return segClassStack(stacks.labels);
}

/** Trains F on the real target slices of `stacks` (whole slices; batch norm, so it also judges patches). */
export function trainTaskSegmenter(stacks: PairedStacks, settings: SegmenterSettings, what: string): tfl.LayersModel {
  const labels = requireLabels(stacks, what);
  const images = tf.tensor4d(stacks.target.data, [...stacks.target.shape]);
  try {
    return trainSegmenter(images, labels.data, { steps: settings.steps, batchSize: settings.batchSize, lr: settings.lr, seed: settings.seed, classes: SEG_CLASS_NAMES.length, base: settings.base, depth: settings.depth, norm: 'batch' });
  } finally {
    images.dispose();
  }
}

/** Dice per tissue class and their mean (CSF, GM, WM; background left out). */
export interface TaskDice {
  readonly mean: number;
  readonly perClass: Record<string, number>;
}

/** Dice of `segmenter` on the synthesiser's output for the subjects' slices, pooled over subjects. */
export function taskDiceScore(synthesizer: SliceSynthesizer, subjects: readonly PairedSubject[], info: Pick<SynthesisModelInfo, 'context' | 'multiple'>, segmenter: tfl.LayersModel): TaskDice {
  const stacks = stackSubjects(subjects, { context: info.context, multiple: info.multiple });
  const labels = requireLabels(stacks, 'the task score');
  const pred = synthesizer.predict(stacks.source, stacks.mask);
  const images = tf.tensor4d(pred.data, [...pred.shape]);
  try {
    const dice = segmentationDice(segmenter, images, labels.data, SEG_CLASS_NAMES.length);
    const tissue = dice.perClass.slice(1);
    return { mean: tissue.reduce((a, b) => a + b, 0) / tissue.length, perClass: Object.fromEntries(SEG_CLASS_NAMES.map((n, i) => [n, dice.perClass[i]!])) };
  } finally {
    images.dispose();
  }
}

/** Agreement of hard HU classes (air, fat, soft tissue, bone) between synthetic and real CT. */
export interface HuClassScore {
  /** Fraction of head voxels whose HU class matches. */
  readonly accuracy: number;
  /** Dice per HU class over the head voxels. */
  readonly perClass: Record<string, number>;
}

function huClassOf(normalised: number, window: readonly [number, number]): number {
  const hu = ((normalised + 1) * (window[1] - window[0])) / 2 + window[0];
  let c = 0;
  for (const t of HU_THRESHOLDS) if (hu >= t) c++;
  return c;
}

/** The MR → CT task score: HU classes of the synthesiser's output against the real CT, inside the head masks. */
export function huClassScore(synthesizer: SliceSynthesizer, subjects: readonly PairedSubject[], info: Pick<SynthesisModelInfo, 'context' | 'multiple'>, window: readonly [number, number] = DEFAULT_CT_WINDOW): HuClassScore {
  const stacks = stackSubjects(subjects, { context: info.context, multiple: info.multiple });
  const pred = synthesizer.predict(stacks.source, stacks.mask).data;
  const k = HU_CLASSES.length;
  const inter = new Float64Array(k);
  const predCount = new Float64Array(k);
  const realCount = new Float64Array(k);
  let same = 0;
  let total = 0;
  for (let v = 0; v < pred.length; v++) {
    if (!(stacks.mask.data[v]! > 0.5)) continue;
    const a = huClassOf(pred[v]!, window);
    const b = huClassOf(stacks.target.data[v]!, window);
    predCount[a]++;
    realCount[b]++;
    if (a === b) {
      inter[a]++;
      same++;
    }
    total++;
  }
  if (total === 0) throw new ValueError('huClassScore: the head masks are empty');
  const perClass = Object.fromEntries(HU_CLASSES.map((n, c) => [n, predCount[c]! + realCount[c]! > 0 ? (2 * inter[c]!) / (predCount[c]! + realCount[c]!) : NaN]));
  return { accuracy: same / total, perClass };
}
