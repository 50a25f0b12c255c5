/**
 * `lacuna medsynth harmonise`: the site-change experiment (a segmenter trained at site A,
 * applied to site B raw, after histogram standardisation and after CycleGAN B -> A synthesis).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { data } from '@lacuna/core';
import { harmonisation } from '@lacuna/medsynth';
import { backendOptions, parseOptions, positiveInt, printUsage, startBackend, strings, type Command } from '../cli_args.js';

const NAME = 'medsynth harmonise';

export const harmoniseCommand: Command = {
  name: 'harmonise',
  summary: 'harmonisation across sites: a site A segmenter on site B images, raw, histogram-standardised, CycleGAN-synthesised',
  usage: `lacuna medsynth harmonise [--subjects N] [--test N] [--voxel MM] [--steps N] [--seed S]
                          [--work DIR] [--out results.json] [--threads N]

Two phantom cohorts of different subjects, one per scanner profile: site A (1.5 T, the default
phantom) and site B (3 T, TR/TE 1100/10 ms T1, twice the noise, a stronger bias field, 3 mm
resolution, another gain). A tissue segmenter (CSF, GM, WM) is trained on site A's T1 and scored
(Dice) on site A's test T1 (same_site), on site B's test T1 as it is (raw), after piecewise-linear
histogram standardisation onto site A's landmarks (Nyul; histogram), and after a CycleGAN B -> A
trained on the two sites' unpaired, unlabelled training T1 (synthesis). Prints the Dice of each
and the share of the Dice lost to the site change that each method recovers.

  --subjects N   subjects per site (default 8)
  --test N       test subjects per site (default 2; the rest train)
  --voxel MM     phantom voxel size (default 3)
  --steps N      CycleGAN steps (default 1500)
  --seed S       seed of the cohorts, the segmenter and the CycleGAN (default 1)
  --work DIR     keep the cohorts here (default: a temporary folder, removed)
  --out FILE     write the results as JSON`,
  async run(argv) {
    const o = parseOptions(NAME, argv, { ...strings('subjects', 'test', 'voxel', 'steps', 'seed', 'work', 'out'), ...backendOptions });
    if (o.help) return printUsage(this.usage);
    const info = await startBackend(NAME, o);
    const subjects = positiveInt(NAME, 'subjects', o.subjects, 8);
    const test = positiveInt(NAME, 'test', o.test, 2);
    const voxel = o.voxel === undefined ? 3 : Number(o.voxel);
    const steps = positiveInt(NAME, 'steps', o.steps, 1500);
    const seed = positiveInt(NAME, 'seed', o.seed, 1);
    const work = o.work ? resolve(o.work) : await mkdtemp(join(tmpdir(), 'lacuna-harmonise-'));
    console.log(`lacuna ${NAME}: ${subjects} subjects per site (${test} test), ${voxel} mm, CycleGAN ${steps} steps (${info.backend}, ${info.threads} thread(s))`);
    try {
      const r = await harmonisation.runHarmonisation({ dir: work, subjects, test, voxel, seed, cyclegan: { steps }, progress: 'auto', log: (m) => console.log(m) });
      console.log(`\n${'method'.padEnd(16)} ${'Dice'.padStart(7)}  ${'CSF'.padStart(6)} ${'GM'.padStart(6)} ${'WM'.padStart(6)}`);
      for (const m of harmonisation.HARMONISATION_METHODS) {
        const d = r.dice[m];
        console.log(`${m.padEnd(16)} ${d.mean.toFixed(4).padStart(7)}  ${['csf', 'gm', 'wm'].map((c) => (d.perClass[c] ?? NaN).toFixed(3).padStart(6)).join(' ')}`);
      }
      console.log(`\nshare of the site change's Dice loss recovered: histogram ${(100 * r.recovered.histogram).toFixed(1)} %, synthesis ${(100 * r.recovered.synthesis).toFixed(1)} %, synthesis_a_to_b ${(100 * r.recovered.synthesis_a_to_b).toFixed(1)} %; ${r.seconds.total.toFixed(0)} s`);
      if (o.out) await data.writeFileAtomic(resolve(o.out), new TextEncoder().encode(`${JSON.stringify(r, null, 2)}\n`), NAME);
      return 0;
    } finally {
      if (!o.work) await rm(work, { recursive: true, force: true });
    }
  },
};
