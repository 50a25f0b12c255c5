/**
 * A Node file-system IOHandler for TF.js models (tfjs-node's `file://` handler is not
 * available): `model.save(fileIOHandler(dir))` writes dir/model.json and dir/weights.bin in
 * the standard TF.js layout, atomically (temp dir + rename); `tfl.loadLayersModel(
 * fileIOHandler(dir))` reads them back, as does TF.js in a browser via http.
 */
import * as tf from '@tensorflow/tfjs-core';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IOError } from '../errors.js';
import { writeDirAtomic, writeFileSynced } from './atomic_dir.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** The weight bytes of model artifacts as one buffer. */
export function weightBytes(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}

export function fileIOHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new IOError(`fileIOHandler.save: binary (protobuf) model topology is not supported`, dir);
      }
      const weights = weightBytes(artifacts.weightData);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology!,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
      };
      if (artifacts.trainingConfig != null) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.signature != null) modelJson.signature = artifacts.signature;
      if (artifacts.userDefinedMetadata != null) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      if (artifacts.modelInitializer != null) modelJson.modelInitializer = artifacts.modelInitializer;
      await writeDirAtomic(
        dir,
        async (tmp) => {
          await writeFileSynced(join(tmp, WEIGHTS_BIN), weights);
          await writeFileSynced(join(tmp, MODEL_JSON), JSON.stringify(modelJson));
        },
        'fileIOHandler.save',
      );
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const path = join(dir, MODEL_JSON);
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse(await readFile(path, 'utf8')) as tf.io.ModelJSON;
      } catch (e) {
        throw new IOError(`fileIOHandler.load: cannot read ${path}: ${(e as Error).message}`, path);
      }
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: Uint8Array[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const p of group.paths) {
            const file = join(dir, p);
            try {
              buffers.push(await readFile(file));
            } catch (e) {
              throw new IOError(`fileIOHandler.load: cannot read ${file}: ${(e as Error).message}`, file);
            }
          }
        }
        const joined = new Uint8Array(buffers.reduce((s, b) => s + b.byteLength, 0));
        let o = 0;
        for (const b of buffers) {
          joined.set(b, o);
          o += b.byteLength;
        }
        const expected = specs.reduce((s, w) => s + w.shape.reduce((p, d) => p * d, 1) * bytesPer(w.dtype), 0);
        if (specs.every((w) => w.quantization == null) && joined.byteLength !== expected) {
          throw new IOError(`fileIOHandler.load: weights in ${dir} have ${joined.byteLength} bytes, the manifest needs ${expected} (truncated?)`, dir);
        }
        return [specs, joined.buffer];
      });
    },
  };
}

function bytesPer(dtype: string): number {
  return dtype === 'bool' ? 1 : dtype === 'complex64' ? 8 : 4;
}
