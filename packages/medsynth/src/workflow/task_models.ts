/**
 * The task side of a training run (task-oriented synthesis): the segmenter F trained on real
 * target slices with the phantom's tissue classes, and the task score — the Dice of such a
 * segmenter on synthetic target slices.
 */
import { ValueError, tf, type tfl } from '@lacuna/core';
import type { PairedStacks, PairedSubject } from '../data/paired_volumes.js';
import { stackSubjects } from '../data/paired_volumes.js';
import type { SliceStack } from '../data/slice_stack.js';
import { PHANTOM_SEG_CLASSES, SEG_CLASS_NAMES } from '../task/phantom_seg_classes.js';
import { segmentationDice, trainSegmenter } from '../task/segmenter.js';
import type { SynthesisModelInfo } from './predict_volume.js';
import type { SliceSynthesizer } from './slice_synthesizer.js';
import type { SegmenterSettings } from './train_config.js';

/** Phantom tissue labels (0..7) → the segmenter's classes (background, CSF, GM, WM). */
export function segClassStack(labels: SliceStack): SliceStack {
  return { data: labels.data.map((l) => PHANTOM_SEG_CLASSES[l]!), shape: labels.shape };
}

function requireLabels(stacks: PairedStacks, what: string): SliceStack {
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
