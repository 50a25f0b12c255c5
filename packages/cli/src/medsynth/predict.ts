import { resolve } from 'node:path';
import { ConfigError, lookUpOption, train } from '@lacuna/core';

import { loadSynthesisModel, predictVolume, workflow, writePrediction } from '@lacuna/medsynth';
import { backendOptions, parseOptions, positiveInt, printUsage, startBackend, type Command } from '../cli_args.js';

export const predictCommand: Command = {
  name: 'predict',
  summary: 'synthesise a target volume from source NIfTI volume(s) with a trained model',
  usage: `lacuna medsynth predict --model DIR --in SOURCE.nii.gz [--in SOURCE2.nii.gz ...] --out OUT.nii.gz [--mask MASK.nii.gz]
                         [--plane axial|coronal|sagittal|triplanar] [--window N [--overlap F]] [--batch N] [--threads N]
       lacuna medsynth predict --model DIR --bids BIDS_DIR --out OUT_DIR [--source T1w ...]

Runs a model trained by 'lacuna medsynth train' (DIR is its model/ folder) on whole volumes:
one --in per source modality, in the order the model was trained with (e.g. --in t1.nii.gz
--in t2.nii.gz for T1 + T2 -> FLAIR). The output has the input's grid and affine and the
target modality's units (MR scaled like the training targets, CT in HU); voxels outside the
head mask (computed from the first source unless --mask is given) are background. Slices go
through the network --batch at a time (default 8), so memory stays bounded. Beside OUT it writes
the head mask (OUT_mask.nii.gz) and a record (OUT.json: the model and its normalisation) with
which 'lacuna medsynth eval' scores the volume as training scored its test subjects.

Sources may be NIfTI (.nii, .nii.gz; NIfTI-1 or -2), NRRD (.nrrd, .nhdr), MetaImage (.mha, .mhd),
DICOM (.dcm) or a folder holding one DICOM series. Work happens on the model's working grid
(RAS by default, so axial means S/I); the output is written back on the input's own grid.

  --plane P      slice across this plane (default axial, as the models are trained);
                 triplanar averages the axial, coronal and sagittal predictions
  --window N     predict N x N windows with Gaussian blending instead of whole slices
                 (N a multiple of the network's 2^depth; MONAI's sliding-window inference)
  --overlap F    overlap of neighbouring windows, [0, 1) (default 0.25)

With --bids, every subject of the BIDS folder that has the model's source modalities is done on
this machine, one after another (no queue needed), into BIDS derivatives under OUT_DIR (see
'lacuna medsynth cohort submit --help' for the names and for spreading a cohort over machines).`,
  async run(argv) {
    const o = parseOptions('medsynth predict', argv, { model: { type: 'string' }, in: { type: 'string', multiple: true }, out: { type: 'string' }, mask: { type: 'string' }, batch: { type: 'string' }, plane: { type: 'string' }, window: { type: 'string' }, overlap: { type: 'string' }, bids: { type: 'string' }, source: { type: 'string', multiple: true }, ...backendOptions });
    if (o.help) return printUsage(this.usage);
    if (o.bids) {
      if (!o.model || !o.out) {
        console.error(`lacuna medsynth predict: --model and --out are required with --bids\n\n${this.usage}`);
        return 2;
      }
      await startBackend('medsynth predict', o);
      const { jobs, skipped, notes } = await workflow.cohortJobs(resolve(o.bids), resolve(o.model), resolve(o.out), o.source ? { source: o.source } : {});
      for (const s of skipped) console.log(`skipped ${s.id}: ${s.reason}`);
      for (const n of notes) console.log(n);
      const models = new workflow.ModelCache();
      const progress = new train.Progress({ total: jobs.length, label: 'cohort (subjects)' });
      let written = 0;
      const failed: string[] = [];
      // A subject that fails (a corrupt file) is reported; the others go on.
      for (const [i, job] of jobs.entries()) {
        try {
          if ((await workflow.runCohortJob(job, models)) === 'done') written++;
        } catch (e) {
          failed.push(job.subject);
          console.error(`${job.subject}: ${(e as Error).message}`);
        }
        progress.update(i + 1);
      }
      progress.done();
      await models.dispose();
      console.log(`${written} written, ${jobs.length - written - failed.length} already there, ${failed.length} failed, ${skipped.length} skipped: ${resolve(o.out, 'derivatives', 'lacuna')}`);
      return failed.length > 0 ? 1 : 0;
    }
    if (!o.model || !o.in?.length || !o.out) {
      console.error(`lacuna medsynth predict: --model, --in and --out are required\n\n${this.usage}`);
      return 2;
    }
    await startBackend('medsynth predict', o);
    const model = await loadSynthesisModel(resolve(o.model), { batch: positiveInt('medsynth predict', 'batch', o.batch, 8) });
    const t0 = performance.now();
    const sources = o.in.map((p) => resolve(p));
    const plane = lookUpOption(o.plane ?? 'axial', ['axial', 'coronal', 'sagittal', 'triplanar'] as const, 'medsynth predict --plane');
    const window = o.window === undefined ? undefined : positiveInt('medsynth predict', 'window', o.window, 0);
    const overlap = o.overlap === undefined ? undefined : Number(o.overlap);
    if (overlap !== undefined && !(overlap >= 0 && overlap < 1)) throw new ConfigError(`lacuna medsynth predict: --overlap must be a number in [0, 1), got '${o.overlap}'`, 'overlap', o.overlap);
    // The total (slices over the planes) is known at the first report.
    let progress: train.Progress | undefined;
    const { volume, mask } = await predictVolume(model.synthesizer, model.info, sources, {
      ...(o.mask ? { mask: resolve(o.mask) } : {}),
      plane,
      ...(window ? { window } : {}),
      ...(overlap !== undefined ? { overlap } : {}),
      batch: positiveInt('medsynth predict', 'batch', o.batch, 8),
      onProgress: (done, total) => (progress ??= new train.Progress({ total, label: 'predict (slices)' })).update(done),
    });
    progress?.done();
    await writePrediction(resolve(o.out), volume, mask, model.info, { model: resolve(o.model), sources });
    console.log(`${o.out}: ${volume.dims.join('x')} ${model.info.targetModality} from ${model.info.sourceModalities.join(' + ')} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return 0;
  },
};
