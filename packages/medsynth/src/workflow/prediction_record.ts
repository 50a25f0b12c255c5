/**
 * What `lacuna medsynth predict` writes beside a synthesised volume, so that `eval` can score it
 * exactly as training scored its test subjects (metrics.json): the head mask the model worked
 * in (`<name>_mask.nii.gz`) and a sidecar `<name>.json` with the model's target normalisation.
 * Training scores normalised intensities rescaled to [0, 1] inside the head mask: the
 * prediction as the model produced it, the reference normalised by its own fit (the 99.5th
 * percentile in the mask for MR, the HU window for CT, the mean uptake for PET).
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { IOError, data } from '@lacuna/core';
import { fitIntensityNorm, modalityKind, normalizeIntensity, type IntensityNorm, type NormSettings } from '../data/intensity_norm.js';
import type { SynthesisModelInfo } from './predict_volume.js';

const FORMAT = 'lacuna-medsynth-prediction';

export interface PredictionRecord {
  readonly format: typeof FORMAT;
  readonly model: string;
  readonly sources: readonly string[];
  readonly sourceModalities: readonly string[];
  readonly targetModality: string;
  readonly norm: NormSettings;
  /** The normaliser predict inverted to write the volume in the target's units. */
  readonly targetNorm: IntensityNorm;
  /** The head-mask file, relative to the record's folder. */
  readonly mask: string;
  /** The model's version: its folder format and training steps (when known). */
  readonly modelVersion?: { readonly format: number; readonly trainedSteps: number };
}

/** `a/t2_syn.nii.gz` → `a/t2_syn` (the stem the record and mask are named after). */
function stem(volumePath: string): string {
  return join(dirname(volumePath), basename(volumePath).replace(/\.nii(\.gz)?$/i, ''));
}

export const predictionRecordPath = (volumePath: string) => `${stem(volumePath)}.json`;

/**
 * Writes the head mask, the record and then the volume, each atomically: once the volume is
 * there, so is everything else (a cohort job whose volume exists is done).
 */
export async function writePrediction(
  path: string,
  volume: data.Volume,
  mask: Uint8Array,
  info: SynthesisModelInfo,
  provenance: { model: string; sources: readonly string[]; modelVersion?: { format: number; trainedSteps: number } },
): Promise<void> {
  const maskPath = `${stem(path)}_mask.nii.gz`;
  await data.writeNifti(maskPath, { ...volume, data: Float32Array.from(mask) }, { datatype: 'uint8', description: 'lacuna medsynth head mask' });
  const record: PredictionRecord = {
    format: FORMAT,
    model: provenance.model,
    sources: provenance.sources,
    sourceModalities: info.sourceModalities,
    targetModality: info.targetModality,
    norm: info.norm,
    targetNorm: info.targetNorm,
    mask: basename(maskPath),
    ...(provenance.modelVersion ? { modelVersion: provenance.modelVersion } : {}),
  };
  await data.writeFileAtomic(predictionRecordPath(path), new TextEncoder().encode(`${JSON.stringify(record, null, 2)}\n`), 'medsynth predict');
  await data.writeNifti(path, volume, { datatype: info.targetModality === 'ct' ? 'int16' : 'float32', description: `lacuna medsynth ${info.sourceModalities.join('+')}->${info.targetModality}` });
}

/** The record beside `volumePath`, or null when there is none. */
export async function readPredictionRecord(volumePath: string): Promise<(PredictionRecord & { maskPath: string }) | null> {
  const path = predictionRecordPath(volumePath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  let record: PredictionRecord;
  try {
    record = JSON.parse(text);
  } catch (e) {
    throw new IOError(`${path}: not JSON (${(e as Error).message})`, path);
  }
  if (record?.format !== FORMAT || typeof record.mask !== 'string' || !(record.targetNorm?.scale > 0)) throw new IOError(`${path}: not a ${FORMAT} record`, path);
  return { ...record, maskPath: join(dirname(path), record.mask) };
}

/**
 * Prediction and reference in training's units: the prediction mapped back through the
 * model's target normaliser (without clipping, as the network produced it), the reference
 * normalised by its own fit inside `mask`, both rescaled from [−1, 1] to [0, 1].
 */
export function trainingUnits(pred: Float32Array, ref: Float32Array, mask: Uint8Array, record: Pick<PredictionRecord, 'targetModality' | 'norm' | 'targetNorm'>): { pred: Float32Array; ref: Float32Array } {
  const a = 2 / record.targetNorm.scale;
  const p = pred.map((v) => ((v - record.targetNorm.offset) * a) / 2);
  const refNorm = fitIntensityNorm(modalityKind(record.targetModality), ref, mask, record.norm);
  const r = normalizeIntensity(ref, refNorm).map((v) => (v + 1) / 2);
  return { pred: p, ref: r };
}
