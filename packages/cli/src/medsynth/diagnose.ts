import { resolve } from 'node:path';
import { data } from '@lacuna/core';
import { loadDiagnosisConfig, parseDiagnosisConfig, runDiagnosisExperiments } from '@lacuna/medsynth/experiments';
import { backendOptions, parseOptions, printUsage, startBackend, type Command } from '../cli_args.js';

export const diagnoseCommand: Command = {
  name: 'diagnose',
  summary: 'missing-modality completion for diagnosis: MRI-only vs MRI+PET with PET completed by G',
  usage: `lacuna medsynth diagnose [--config FILE] [--out results.json] [--threads N]

On a phantom cohort where every subject has MRI and a disease flag but only a fraction p has
PET, trains and compares, on test subjects that lack PET: (i) an MRI-only classifier, (ii) an
MRI+PET classifier trained on the complete subjects only (missing PET filled with the training
mean), (iii) PET completed by a U-Net G trained with L1, (iv) PET completed by a G trained
jointly with the classifier (L1 + lambda * the classifier's loss). Accuracy and AUC, mean and
std over seeds, for each p. Without --config the defaults run: p 0.3 and 0.6, seeds 1 2 3.

Config (JSON; every field optional):
  { "ps": [0.3, 0.6], "seeds": [1, 2, 3], "subjects": 60, "voxel": 8, "mri": ["t1"],
    "slices": 4, "classifierSteps": 300, "generatorSteps": 300, "jointSteps": 100,
    "taskWeight": 0.5, "testFraction": 0.3 }`,
  async run(argv) {
    const o = parseOptions('medsynth diagnose', argv, { config: { type: 'string' }, out: { type: 'string' }, ...backendOptions });
    if (o.help) return printUsage(this.usage);
    const config = o.config ? await loadDiagnosisConfig(resolve(o.config)) : parseDiagnosisConfig({});
    const info = await startBackend('medsynth diagnose', o);
    console.log(`lacuna medsynth diagnose: ${config.subjects} phantom subjects at ${config.voxel} mm, p ${config.ps.join(', ')}, seeds ${config.seeds.join(' ')} (${info.backend}, ${info.threads} thread(s))`);
    const report = runDiagnosisExperiments(config, (e) => console.log(`p ${e.p} seed ${e.seed} ${e.method.padEnd(13)} acc ${e.acc.toFixed(3)}  AUC ${e.auc.toFixed(3)}  (${e.seconds.toFixed(0)} s)`));
    console.log(`\n${'p'.padEnd(6)} ${'method'.padEnd(14)} ${'accuracy'.padStart(15)} ${'AUC'.padStart(15)}`);
    for (const [p, r] of Object.entries(report.results)) {
      for (const [m, s] of Object.entries(r)) console.log(`${p.padEnd(6)} ${m.padEnd(14)} ${`${s.acc.toFixed(3)} ± ${s.accStd.toFixed(3)}`.padStart(15)} ${`${s.auc.toFixed(3)} ± ${s.aucStd.toFixed(3)}`.padStart(15)}`);
    }
    if (o.out) await data.writeFileAtomic(resolve(o.out), new TextEncoder().encode(`${JSON.stringify(report, null, 2)}\n`), 'medsynth diagnose');
    console.log(`${report.seconds.toFixed(0)} s${o.out ? `; results: ${o.out}` : ''}`);
    return 0;
  },
};
