/**
 * A black box from a command-line name: `http://HOST:PORT` (a served model), a predictions
 * file (`file:PATH` or a path ending in .json), or a model folder written by
 * `lacuna dine train-source` (run in-process; adaptation still sees only its probabilities).
 */
import { FileBlackBox } from './file_black_box.js';
import { HttpBlackBox, type HttpBlackBoxOptions } from './http_black_box.js';
import { ModelBlackBox } from './model_black_box.js';
import type { BlackBoxPredictor } from './predictor.js';
import { loadDigitsNet } from '../model/digits_files.js';

export async function openBlackBox(spec: string, http: HttpBlackBoxOptions = {}): Promise<BlackBoxPredictor> {
  if (/^https?:\/\//.test(spec)) return HttpBlackBox.connect(spec, http);
  if (spec.startsWith('file:')) return FileBlackBox.open(spec.slice(5), { warn: http.warn });
  if (spec.endsWith('.json')) return FileBlackBox.open(spec, { warn: http.warn });
  const { model } = await loadDigitsNet(spec);
  return new ModelBlackBox(model, spec);
}
