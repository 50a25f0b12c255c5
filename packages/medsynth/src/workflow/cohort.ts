/**
 * Cohort work (Node): one job per subject of a BIDS folder, each synthesising the model's target
 * into BIDS derivatives,
 *   OUT/derivatives/lacuna/sub-XX/[ses-YY/]anat/sub-XX[_ses-YY]_desc-synth_<Target>.nii.gz,
 * with its head mask and a JSON sidecar naming the model and its version. Jobs are idempotent:
 * the volume is written last and atomically, and a job whose volume exists is skipped, so a job
 * run twice (a retry, a worker killed mid-job) never duplicates or half-writes an output. The
 * queue that spreads jobs over machines lives in the CLI (`lacuna medsynth cohort`, `lacuna
 * worker`, on BullMQ); `runCohortJob` is the work, with or without a queue.
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ValueError, train } from '@lacuna/core';
import { bidsSubjects, scanBids, type SkippedSubject } from '../data/bids.js';
import { loadSynthesisModel, predictVolume } from './model_folder.js';
import { MODEL_FOLDER, type LoadedSynthesisModel, type ModelMeta } from './model_bundle.js';
import { writePrediction } from './prediction_record.js';

/** BIDS suffixes of Lacuna's modality names (names already in BIDS form are kept). */
const BIDS_SUFFIX: Readonly<Record<string, string>> = { t1: 'T1w', t2: 'T2w', pd: 'PDw', flair: 'FLAIR', pet: 'pet', ct: 'ct' };
export const bidsSuffix = (modality: string): string => BIDS_SUFFIX[modality.toLowerCase()] ?? modality;

/** One subject's work: everything a worker on another machine needs (absolute paths). */
export interface CohortJob {
  /** 'sub-01' or 'sub-01_ses-2'. */
  readonly subject: string;
  readonly sources: readonly string[];
  readonly model: string;
  readonly output: string;
}

/** The derivatives path of a subject's synthetic target. */
export function derivativePath(out: string, entities: { sub: string; ses?: string }, target: string): string {
  const ses = entities.ses ? `_ses-${entities.ses}` : '';
  const dir = join(out, 'derivatives', 'lacuna', `sub-${entities.sub}`, ...(entities.ses ? [`ses-${entities.ses}`] : []), 'anat');
  return join(dir, `sub-${entities.sub}${ses}_desc-synth_${bidsSuffix(target)}.nii.gz`);
}

/** The jobs of a cohort: the model's source modalities found per subject of the BIDS folder. */
export async function cohortJobs(bids: string, modelDir: string, out: string, options: { source?: readonly string[] } = {}): Promise<{ jobs: CohortJob[]; skipped: SkippedSubject[]; notes: string[] }> {
  // The meta data only: submitting needs no tensor backend.
  const meta = await train.readModelMeta<ModelMeta>(train.modelFilesInDir(modelDir), MODEL_FOLDER);
  const { sourceModalities, targetModality } = meta.info;
  const source = options.source ?? sourceModalities.map(bidsSuffix);
  if (source.length !== sourceModalities.length) throw new ValueError(`cohort: the model takes ${sourceModalities.length} source modalit${sourceModalities.length === 1 ? 'y' : 'ies'} (${sourceModalities.join(', ')}), --source names ${source.length}`);
  const found = bidsSubjects(await scanBids(bids), { source });
  const jobs = found.subjects.map((s) => ({ subject: s.id, sources: s.source.map((p) => resolve(p)), model: resolve(modelDir), output: resolve(derivativePath(out, found.entities[s.id]!, targetModality)) }));
  return { jobs, skipped: found.skipped, notes: found.notes };
}

/** Loaded models by folder, so a worker loads each once. */
export class ModelCache {
  private readonly models = new Map<string, Promise<LoadedSynthesisModel>>();
  get(dir: string): Promise<LoadedSynthesisModel> {
    let m = this.models.get(dir);
    if (!m) {
      m = loadSynthesisModel(dir);
      this.models.set(dir, m);
      m.catch(() => this.models.delete(dir));
    }
    return m;
  }
  async dispose(): Promise<void> {
    for (const m of this.models.values()) (await m.catch(() => null))?.dispose();
    this.models.clear();
  }
}

const exists = (p: string) => stat(p).then((s) => s.isFile(), () => false);

/** Runs one job: 'done' when it wrote the output, 'exists' when the output was already there. */
export async function runCohortJob(job: CohortJob, models: ModelCache): Promise<'done' | 'exists'> {
  if (await exists(job.output)) return 'exists';
  const model = await models.get(job.model);
  const { volume, mask } = await predictVolume(model.synthesizer, model.info, job.sources);
  await writePrediction(job.output, volume, mask, model.info, { model: job.model, sources: job.sources, modelVersion: { format: model.meta.version, trainedSteps: model.meta.trainedSteps } });
  return 'done';
}
