/** Forest models as JSON files (Node); ForestSynthesisModel.toJSON / fromJSON do the work. */
import { IOError, data } from '@lacuna/core';
import { ForestSynthesisModel } from './forest_synthesis.js';

/** Writes a model to `path` as JSON, atomically. */
export async function saveForest(model: ForestSynthesisModel, path: string): Promise<void> {
  await data.writeFileAtomic(path, new TextEncoder().encode(JSON.stringify(model.toJSON())), 'saveForest');
}

/** Reads a model saved by {@link saveForest}; a missing, truncated or corrupt file throws an IOError naming `path`. */
export async function loadForest(path: string): Promise<ForestSynthesisModel> {
  const text = new TextDecoder().decode(await data.readBytes(path, 'loadForest'));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new IOError(`loadForest: ${path} is not valid JSON (truncated or corrupt?): ${(e as Error).message}`, path);
  }
  try {
    return ForestSynthesisModel.fromJSON(json);
  } catch (e) {
    throw new IOError(`loadForest: ${path} is not a valid forest synthesis model: ${(e as Error).message}`, path);
  }
}
