/**
 * A rendered data set held as one typed array per field (sample-major), the layout the
 * data set file stores and training batches slice. Sample i is rendered from its own
 * generator seeded by (seed, i), so a data set's first n samples do not depend on its size.
 */
import { data, ValueError } from '@lacuna/core';
import { LINEMOD_INTRINSICS, type Intrinsics } from '../geometry/camera.js';
import type { ObjectInfo, ObjectModel } from '../render/mesh.js';
import { loadObject, type ObjectName } from '../render/objects.js';
import { renderSample, type SampleOptions } from './render_sample.js';

/** N samples of S x S crops. */
export interface PoseDataset {
  /** Object metadata (name, diameter, halfExtent, symmetry, up). */
  readonly object: ObjectInfo;
  /** [V, 3] the object's model vertices, metres (for ADD / ADD-S / projection metrics). */
  readonly vertices: Float32Array;
  readonly intrinsics: Intrinsics;
  readonly cropSize: number;
  readonly count: number;
  /** The seed it was rendered with. */
  readonly seed: number;
  /** The sample options it was rendered with (JSON; provenance only). */
  readonly renderOptions: Readonly<Record<string, unknown>>;
  /** [N, S, S, 3] RGB, 0..255. */
  readonly images: Uint8Array;
  /** [N, S, S, 3] object coordinates, metres; 0 off the object. */
  readonly x3d: Float32Array;
  /** [N, S, S] 1 where the object is visible. */
  readonly masks: Uint8Array;
  /** [N, S, S] 1 on the whole silhouette (occluded parts included). */
  readonly objectMasks: Uint8Array;
  /** [N, 7] poses [x, y, z, w, i, j, k]. */
  readonly poses: Float64Array;
  /** [N, 3] crop boxes [cx, cy, size], image pixels. */
  readonly boxes: Float64Array;
}

export interface RenderDatasetOptions extends SampleOptions {
  /** An object name, or a model built elsewhere. */
  readonly object: ObjectName | ObjectModel;
  readonly count: number;
  /** Integer >= 0. */
  readonly seed: number;
  /** Called after each sample. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The generator of sample `index` of a data set with `seed`. */
export function sampleRandom(seed: number, index: number): data.Random {
  // One draw from the data set's generator gives 32 bits; the index fills the low 21 bits.
  const base = new data.Random(seed).nextUint32();
  return new data.Random(base * 2 ** 21 + index);
}

/** Renders a data set in memory. */
export function renderDataset(options: RenderDatasetOptions): PoseDataset {
  const { count, seed } = options;
  if (!(Number.isInteger(count) && count >= 1 && count < 2 ** 21)) throw new ValueError(`renderDataset: count must be an integer in [1, 2^21), got ${count}`);
  if (!(Number.isSafeInteger(seed) && seed >= 0)) throw new ValueError(`renderDataset: seed must be an integer >= 0, got ${seed}`);
  const model = typeof options.object === 'string' ? loadObject(options.object) : options.object;
  const S = options.cropSize ?? 64;
  const px = S * S;
  const { object: _object, count: _count, seed: _seed, onProgress: _onProgress, intrinsics: _intrinsics, cropSize: _cropSize, ...renderOptions } = options;
  const ds = {
    renderOptions: JSON.parse(JSON.stringify(renderOptions)) as Record<string, unknown>,
    object: { name: model.name, diameter: model.diameter, halfExtent: model.halfExtent, symmetry: model.symmetry, up: model.up },
    vertices: model.mesh.vertices,
    intrinsics: options.intrinsics ?? LINEMOD_INTRINSICS,
    cropSize: S,
    count,
    seed,
    images: new Uint8Array(count * px * 3),
    x3d: new Float32Array(count * px * 3),
    masks: new Uint8Array(count * px),
    objectMasks: new Uint8Array(count * px),
    poses: new Float64Array(count * 7),
    boxes: new Float64Array(count * 3),
  };
  for (let i = 0; i < count; i++) {
    const s = renderSample(model, sampleRandom(seed, i), options);
    for (let k = 0; k < px * 3; k++) ds.images[i * px * 3 + k] = Math.round(s.image[k]! * 255);
    ds.x3d.set(s.x3d, i * px * 3);
    ds.masks.set(s.mask, i * px);
    ds.objectMasks.set(s.objectMask, i * px);
    ds.poses.set(s.pose, i * 7);
    ds.boxes.set([s.box.cx, s.box.cy, s.box.size], i * 3);
    options.onProgress?.(i + 1, count);
  }
  return ds;
}

/** Sample `i` of a data set: its crop as RGB in [0, 1] [S, S, 3], its crop box [cx, cy, size] and its true pose [7]. */
export function datasetSample(ds: PoseDataset, i: number): { rgb: Float32Array; box: number[]; pose: Float64Array } {
  if (!(Number.isInteger(i) && i >= 0 && i < ds.count)) throw new ValueError(`datasetSample: index ${i} is outside 0..${ds.count - 1}`);
  const S = ds.cropSize;
  return {
    rgb: Float32Array.from(ds.images.subarray(i * S * S * 3, (i + 1) * S * S * 3), (v) => v / 255),
    box: Array.from(ds.boxes.subarray(i * 3, i * 3 + 3)),
    pose: ds.poses.slice(i * 7, i * 7 + 7),
  };
}
