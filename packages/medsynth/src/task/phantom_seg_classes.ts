/**
 * The brain-phantom segmentation task used as F's task: the 8 phantom tissue labels
 * (phantom/tissues.ts: 0 background, 1 CSF, 2 GM, 3 WM, 4 fat, 5 scalp, 6 skull, 7 lesion)
 * folded into 4 classes — 0 background and everything extracranial (background, fat, scalp,
 * skull), 1 CSF, 2 GM, 3 WM, with lesions counted as WM (a brain-tissue segmenter, as in the
 * BrainWeb three-tissue task).
 */
import { ValueError } from '@lacuna/core';
import { TISSUES } from '../phantom/tissues.js';

/** Names of the 4 segmentation classes, by class id. */
export const SEG_CLASS_NAMES = ['extracranial', 'csf', 'gm', 'wm'] as const;

/** Segmentation class of each phantom label (index = phantom label value). */
export const PHANTOM_SEG_CLASSES: readonly number[] = TISSUES.map((t) => {
  switch (t) {
    case 'csf':
      return 1;
    case 'gm':
      return 2;
    case 'wm':
    case 'lesion':
      return 3;
    default:
      return 0; // background, fat, scalp, skull
  }
});

/** Phantom label values (one per voxel) → segmentation class ids 0..3. */
export function phantomSegLabels(labels: Float32Array | Uint8Array): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const c = PHANTOM_SEG_CLASSES[labels[i]!];
    if (!Number.isInteger(labels[i]) || c === undefined) {
      throw new ValueError(`phantomSegLabels: label ${labels[i]} at index ${i} is not a phantom label 0..${PHANTOM_SEG_CLASSES.length - 1}`);
    }
    out[i] = c;
  }
  return out;
}
