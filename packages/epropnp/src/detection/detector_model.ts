/**
 * A trained direct detector, the folder `lacuna epropnp detect eval | predict --model` takes:
 *   detector.json   classes, mean sizes, camera, image size, stride, channels, trained steps
 *   network/        TF.js model.json + weights.bin
 * Opened from any ModelFiles (disk, a URL); folders on disk are written in detector_model_folder.ts.
 */
import { IOError, tf, tfl, train } from '@lacuna/core';
import type { Intrinsics } from '../geometry/camera.js';
import { decodeDetections, type DecodeOptions, type Detection } from './decode_detections.js';
import { detectorForward } from './direct_detector_net.js';

export const DETECTOR_MODEL_FORMAT = 'lacuna-epropnp-detector';

export interface DetectorMeta {
  readonly format: typeof DETECTOR_MODEL_FORMAT;
  readonly version: 1;
  readonly classes: readonly string[];
  readonly meanSizes: Readonly<Record<string, readonly [number, number, number]>>;
  /** Classes without a heading (left out of AOE). */
  readonly headingFree: readonly string[];
  readonly intrinsics: Intrinsics;
  readonly width: number;
  readonly height: number;
  readonly stride: number;
  readonly channels: number;
  readonly trainedSteps: number;
}

export const DETECTOR_MODEL_FOLDER: train.ModelDirFormat = { metaFile: 'detector.json', format: DETECTOR_MODEL_FORMAT, versions: [1], writtenBy: "'lacuna epropnp detect train' (its model/ subfolder)" };

export interface LoadedDetector {
  readonly meta: DetectorMeta;
  readonly net: tfl.LayersModel;
}

/** Opens a detector folder from its files; errors name the folder. */
export async function openDetector(files: train.ModelFiles): Promise<LoadedDetector> {
  const meta = await train.readModelMeta<DetectorMeta>(files, DETECTOR_MODEL_FOLDER);
  try {
    return { meta, net: await tfl.loadLayersModel(train.modelFilesIOHandler(files, 'network')) };
  } catch (e) {
    throw new IOError(`${files.where}/network: cannot load the network (${(e as Error).message})`, files.where);
  }
}

/** Detections of `images` [B, H, W, 3] (RGB in [0, 1], the model's image size), in batches of `batchSize`. */
export function detect(model: LoadedDetector, images: Float32Array, count: number, options: Partial<DecodeOptions> & { batchSize?: number } = {}): Detection[][] {
  const { width: W, height: H } = model.meta;
  if (images.length !== count * H * W * 3) throw new IOError(`detect: expected ${count} images of ${W}x${H} RGB (${count * H * W * 3} values), got ${images.length} values`, 'images');
  const bs = options.batchSize ?? 32;
  const out: Detection[][] = [];
  for (let s = 0; s < count; s += bs) {
    const n = Math.min(bs, count - s);
    const x = tf.tensor4d(images.subarray(s * H * W * 3, (s + n) * H * W * 3), [n, H, W, 3]);
    const y = detectorForward(model.net, x, false);
    const values = y.dataSync() as Float32Array;
    out.push(...decodeDetections(values, y.shape, { classes: model.meta.classes, meanSizes: model.meta.meanSizes, intrinsics: model.meta.intrinsics, stride: model.meta.stride, ...options }));
    tf.dispose([x, y]);
  }
  return out;
}
