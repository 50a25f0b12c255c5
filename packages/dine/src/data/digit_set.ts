/**
 * A set of grey-level digit images as the whole package passes them around: uint8 pixels
 * (white ink on black, 0..255) so that an image's bytes identify it (the black-box cache keys
 * on them), optional labels, and the conversion to a network input batch.
 */
import { tf, ValueError, checkCount } from '@lacuna/core';

/** Images as a black box receives them. */
export interface ImageBatch {
  /** [count, height, width, channels] row-major, 0..255. */
  readonly pixels: Uint8Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  /** 1 (grey, the default) or 3 (RGB). */
  readonly channels?: number;
}

/** Channels of a batch (1 when not given). */
export function channelsOf(images: ImageBatch): number {
  return images.channels ?? 1;
}

/** Bytes per image: height · width · channels. */
export function imageSize(images: ImageBatch): number {
  return images.height * images.width * channelsOf(images);
}

/** A labelled (or unlabelled) digit data set. */
export interface DigitSet extends ImageBatch {
  /** [count] class indices, or null for unlabelled data. */
  readonly labels: Int32Array | null;
  /** Where it came from, for messages. */
  readonly name: string;
  /** The file of each image, where the set was read from one file per image (for messages). */
  readonly files?: readonly string[];
  /** The class names (label i is classNames[i]), for sets read from named class folders. */
  readonly classNames?: readonly string[];
}

/** Checks that pixels and labels agree with count/height/width; returns the set. */
export function checkDigitSet<T extends DigitSet>(set: T): T {
  const c = channelsOf(set);
  if (c !== 1 && c !== 3) throw new ValueError(`digit set '${set.name}': channels must be 1 or 3, got ${c}`);
  const need = set.count * imageSize(set);
  checkCount(set.pixels.length, need, () => `digit set '${set.name}': ${set.pixels.length} pixels for ${set.count} images of ${set.height}x${set.width}x${c} (need ${need})`);
  if (set.labels) checkCount(set.labels.length, set.count, () => `digit set '${set.name}': ${set.labels!.length} labels for ${set.count} images`);
  return set;
}

/** Throws when the set holds no images: nothing can be trained or scored on it. */
export function checkNotEmpty<T extends DigitSet>(set: T): T {
  if (set.count === 0) throw new ValueError(`digit set '${set.name}' holds no images`);
  return set;
}

/**
 * Throws when a label lies outside 0..numClasses−1, naming the set (or the image's file) and
 * the item: a label 42 among ten classes would otherwise count as a silent miss.
 */
export function checkLabels(set: DigitSet, numClasses: number): void {
  if (!set.labels) return;
  for (let i = 0; i < set.count; i++) {
    const y = set.labels[i]!;
    if (!(Number.isInteger(y) && y >= 0 && y < numClasses)) {
      const where = set.files?.[i] ? `${set.files[i]} (item ${i} of '${set.name}')` : `item ${i} of '${set.name}'`;
      throw new ValueError(`${where} has label ${y}; labels must be 0..${numClasses - 1} for ${numClasses} classes`);
    }
  }
}

/** The images at `indices` (in that order), with their labels. */
export function subset(set: DigitSet, indices: ArrayLike<number>, name = set.name): DigitSet {
  const size = imageSize(set);
  const pixels = new Uint8Array(indices.length * size);
  const labels = set.labels ? new Int32Array(indices.length) : null;
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i]!;
    if (!(Number.isInteger(j) && j >= 0 && j < set.count)) throw new ValueError(`subset of '${set.name}': index ${j} is outside 0..${set.count - 1}`);
    pixels.set(set.pixels.subarray(j * size, (j + 1) * size), i * size);
    if (labels) labels[i] = set.labels![j]!;
  }
  return { pixels, labels, count: indices.length, height: set.height, width: set.width, ...(set.channels ? { channels: set.channels } : {}), ...(set.classNames ? { classNames: set.classNames } : {}), name };
}

/** The first `n` images (all when n >= count). */
export function head(set: DigitSet, n: number, name = set.name): DigitSet {
  const k = Math.min(n, set.count);
  return subset(set, Int32Array.from({ length: k }, (_, i) => i), name);
}

/** The same images without labels (what an unsupervised target set is). */
export function unlabelled(set: DigitSet): DigitSet {
  return { ...set, labels: null };
}

/**
 * Network input for images `indices` (default all): [B, H, W, C] floats in [−1, 1], the
 * (x − 0.5)/0.5 normalisation of SHOT's digits scripts.
 */
export function inputBatch(images: ImageBatch, indices?: ArrayLike<number>): tf.Tensor4D {
  const size = imageSize(images);
  const n = indices ? indices.length : images.count;
  const out = new Float32Array(n * size);
  for (let i = 0; i < n; i++) {
    const j = indices ? indices[i]! : i;
    const src = images.pixels.subarray(j * size, (j + 1) * size);
    for (let p = 0; p < size; p++) out[i * size + p] = src[p]! / 127.5 - 1;
  }
  return tf.tensor4d(out, [n, images.height, images.width, channelsOf(images)]);
}

