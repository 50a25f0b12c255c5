/**
 * A model folder seen as named files, wherever they are: on disk (Node: node_model_files.ts),
 * dropped into a page, or fetched. Reading its description and setting a network's weights
 * from its TF.js model.json + weights.bin work the same on all of them.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { checkCount, checkSameShape } from '../check.js';
import { IOError } from '../errors.js';
import type { ModelDirFormat } from './model_dir.js';

export interface ModelFiles {
  /** Where the files are, for messages (a folder path, a URL, 'dropped files'). */
  readonly where: string;
  /** The bytes of `name`, a path relative to the folder with '/' separators; IOError when missing. */
  read(name: string, what: string): Promise<Uint8Array>;
}

/** `where/name` for messages. */
export function filePath(files: ModelFiles, name: string): string {
  return name ? `${files.where}/${name}` : files.where;
}

/** Files held in memory (a page's dropped folder, an unzipped archive); names relative to the folder. */
export function modelFilesFromMap(files: ReadonlyMap<string, Uint8Array>, where = 'the given files'): ModelFiles {
  return {
    where,
    async read(name, what) {
      const bytes = files.get(name);
      if (!bytes) throw new IOError(`${what}: cannot read ${where}/${name}: no such file`, `${where}/${name}`);
      return bytes;
    },
  };
}

/** Files under a URL prefix, fetched (a model served next to a page). */
export function modelFilesFromUrl(base: string): ModelFiles {
  const root = base.endsWith('/') ? base.slice(0, -1) : base;
  return {
    where: root,
    async read(name, what) {
      const url = `${root}/${name}`;
      let response: Response;
      try {
        response = await fetch(url);
      } catch (e) {
        throw new IOError(`${what}: cannot fetch ${url}: ${(e as Error).message}`, url);
      }
      if (!response.ok) throw new IOError(`${what}: cannot fetch ${url}: HTTP ${response.status}`, url);
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}

/** A JSON file of the folder; read and parse errors name the file. */
export async function readJsonFile<T>(files: ModelFiles, name: string, what: string): Promise<T> {
  const bytes = await files.read(name, what);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch (e) {
    throw new IOError(`${what}: cannot read ${filePath(files, name)}: ${(e as Error).message}`, filePath(files, name));
  }
}

/** Reads and checks the folder's description (see saveModelDir); errors name the folder and what is wrong. */
export async function readModelMeta<M>(files: ModelFiles, format: ModelDirFormat): Promise<M> {
  const path = filePath(files, format.metaFile);
  let meta: { format?: unknown; version?: unknown };
  try {
    meta = JSON.parse(new TextDecoder().decode(await files.read(format.metaFile, 'readModelMeta')));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e instanceof IOError ? 'missing' : (e as Error).message);
    throw new IOError(`${path}: cannot read the model description (${why}); is ${files.where} a folder written by ${format.writtenBy}?`, files.where);
  }
  const version = meta?.version === undefined && format.unversionedIsFirst ? format.versions[0] : meta?.version;
  if (meta?.format !== format.format || !format.versions.includes(version as number)) {
    throw new IOError(`${path}: not a '${format.format}' model description (format ${String(meta?.format)}, version ${String(meta?.version)}; this version reads ${format.versions.join(', ')})`, files.where);
  }
  return meta as M;
}

/** Decodes `bytes` as the weights `specs` describe, in order; a size mismatch names `where`. */
export function decodeWeightsInOrder(bytes: Uint8Array, specs: tf.io.WeightsManifestEntry[], where: string, what: string): tf.Tensor[] {
  const need = specs.reduce((s, w) => s + w.shape.reduce((p, d) => p * d, 1) * (w.dtype === 'bool' ? 1 : 4), 0);
  if (bytes.byteLength !== need) throw new IOError(`${what}: ${where} has ${bytes.byteLength} bytes, its specs need ${need} (truncated?)`, where);
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  const map = tf.io.decodeWeights(own.buffer as ArrayBuffer, specs);
  return specs.map((s) => map[s.name]!);
}

/** Sets a model's weights from the TF.js model (model.json + weights) in `sub` of the folder, by position. */
export async function setModelWeights(model: tfl.LayersModel, files: ModelFiles, sub = '', what = 'loadModelWeights'): Promise<void> {
  const prefix = sub ? `${sub}/` : '';
  const dir = filePath(files, sub);
  const json = await readJsonFile<tf.io.ModelJSON>(files, `${prefix}model.json`, what);
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const paths = json.weightsManifest.flatMap((g) => g.paths);
  const parts = await Promise.all(paths.map((p) => files.read(`${prefix}${p}`, what)));
  const bytes = parts.length === 1 ? parts[0]! : new Uint8Array(tf.io.concatenateArrayBuffers(parts.map((p) => p.slice().buffer as ArrayBuffer)));
  const tensors = decodeWeightsInOrder(bytes, specs, filePath(files, `${prefix}${paths[0] ?? 'weights.bin'}`), what);
  try {
    const weights = model.weights;
    checkCount(tensors.length, weights.length, () => `${what}: model '${model.name}' has ${weights.length} weights, ${dir} has ${tensors.length}`);
    weights.forEach((w, i) => {
      const t = tensors[i]!;
      checkSameShape(t.shape, w.shape.map((d) => d ?? -1), what, ['saved', 'model'], () => `${what}: weight ${i} (${w.originalName}) of '${model.name}' is [${w.shape.join(', ')}], ${dir} has [${t.shape.join(', ')}] (${specs[i]!.name})`);
    });
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}

/** A TF.js IOHandler that loads the model (model.json + weights) in `sub` of the folder: `tfl.loadLayersModel(modelFilesIOHandler(files, 'network'))`. */
export function modelFilesIOHandler(files: ModelFiles, sub = '', what = 'loadLayersModel'): tf.io.IOHandler {
  const prefix = sub ? `${sub}/` : '';
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const json = await readJsonFile<tf.io.ModelJSON>(files, `${prefix}model.json`, what);
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((g) => g.weights);
        const parts = await Promise.all(manifest.flatMap((g) => g.paths).map((p) => files.read(`${prefix}${p}`, what)));
        const joined = new Uint8Array(parts.reduce((n, b) => n + b.byteLength, 0));
        let o = 0;
        for (const b of parts) {
          joined.set(b, o);
          o += b.byteLength;
        }
        return [specs, joined.buffer];
      });
    },
  };
}
