/**
 * `lacuna medsynth phantom`: writes a cohort of simulated multi-modal brain phantoms (tissue
 * labels and fractions, T1w, T2w, PD, FLAIR, CT, FDG-PET as NIfTI) for the synthesis and
 * diagnosis work.
 */
import { ConfigError } from '@lacuna/core';
import { phantom, writePhantom } from '@lacuna/medsynth';

type FieldStrength = phantom.FieldStrength;
import { parseOptions, positiveInt, printUsage, strings, type Command } from '../cli_args.js';

const NAME = 'medsynth phantom';

export const phantomCommand: Command = {
  name: 'phantom',
  summary: 'simulate multi-modal brain phantoms (labels, T1w/T2w/PD/FLAIR, CT, PET)',
  usage: `lacuna medsynth phantom --subjects N --out DIR [--seed S] [--voxel MM] [--site A|B] [--field 1.5|3]
                         [--mr-fwhm MM] [--mr-gain G] [--lesions] [--noise-free] [--mr-noise F] [--bias F] [--ct-noise HU]
                         [--pet-fwhm MM] [--pet-counts C]

Simulates N subjects in the spirit of BrainWeb on one 180 × 216 × 180 mm RAS grid: anatomy that
varies per subject (smooth random deformation, head size, ventricle size, cortical thickness,
atrophy), fuzzy tissue fractions (background, CSF, GM, WM, fat, scalp, skull, lesion) and
co-registered images computed from tissue properties:
  t1, t2, pd   spin echo S = PD (1 − e^(−TR/T1)) e^(−TE/T2) (TR/TE 500/15, 4000/100, 4000/15 ms)
  flair        inversion recovery, TR 9000, TE 120 ms, TI nulling CSF
  ct           Hounsfield units (int16), correlated Gaussian noise
  pet          FDG uptake (WM = 1, GM 3.5), Gaussian PSF, Poisson counts
MR gets a smooth bias field and Rician noise. About half the subjects (one of each pair) are
diseased: stronger temporo-parietal atrophy plus 20-30 % grey-matter FDG hypometabolism there.
Output: DIR/sub-001/{labels, fractions_<tissue>, t1, t2, pd, flair, ct, pet}.nii.gz and
subject.json (all drawn parameters, disease flag, lesions), and DIR/phantom.json.

  --subjects N     number of subjects (required)
  --out DIR        output folder (required; existing subjects are replaced)
  --seed S         cohort seed, integer >= 0 (default 0); subject i depends only on (S, i)
  --voxel MM       isotropic voxel size in mm (default 2; 1 gives BrainWeb's 1 mm grid)
  --site A|B       a scanner profile: A is the defaults below; B is a 3 T scanner with a longer-TR
                   T1 (TR/TE 1100/10 ms; T2 5000/90), noise 0.06, bias 0.4, 3 mm PSF and gain 2.5,
                   whose T1 images differ visibly (harmonisation); the options below override it
  --field T        MR relaxation times at 1.5 (default) or 3 tesla
  --mr-fwhm MM     MR point-spread function, FWHM in mm (default 0: none)
  --mr-gain G      MR receive gain (default 1)
  --lesions        add 4-12 white-matter lesions per subject
  --noise-free     no MR, CT or PET noise (the bias field stays unless --bias 0)
  --mr-noise F     Rician sigma as a fraction of the brightest brain tissue (default 0.03)
  --bias F         bias field amplitude, max |field − 1| (default 0.2; 0 = none)
  --ct-noise HU    CT noise standard deviation (default 5)
  --pet-fwhm MM    PET resolution, FWHM in mm (default 5.5)
  --pet-counts C   PET counts per mL of white-matter activity (default 8000)`,
  async run(argv) {
    const o = parseOptions(NAME, argv, {
      ...strings('subjects', 'out', 'seed', 'voxel', 'site', 'field', 'mr-fwhm', 'mr-gain', 'mr-noise', 'bias', 'ct-noise', 'pet-fwhm', 'pet-counts'),
      lesions: { type: 'boolean' },
      'noise-free': { type: 'boolean' },
    });
    if (o.help) return printUsage(this.usage);
    if (o.subjects === undefined) throw new ConfigError(`lacuna ${NAME}: --subjects N is required`, 'subjects');
    if (!o.out) throw new ConfigError(`lacuna ${NAME}: --out DIR is required`, 'out');
    const subjects = positiveInt(NAME, 'subjects', o.subjects, 1);
    const seed = o.seed === undefined ? 0 : nonNegativeInt('seed', o.seed);
    const field = o.field === undefined ? undefined : Number(o.field);
    if (field !== undefined && field !== 1.5 && field !== 3) throw new ConfigError(`lacuna ${NAME}: --field must be 1.5 or 3, got '${o.field}'`, 'field', o.field);
    const options = {
      subjects,
      seed,
      ...(field !== undefined ? { field: field as FieldStrength } : {}),
      ...(o.site !== undefined ? { site: phantom.siteName(o.site) } : {}),
      lesions: o.lesions ?? false,
      noise: !o['noise-free'],
      ...optionalNumber('voxel', o.voxel, 'voxel', (v) => v >= 0.5 && v <= 8, 'a size in mm between 0.5 and 8'),
      ...optionalNumber('mr-fwhm', o['mr-fwhm'], 'mrFwhmMm', (v) => v >= 0, 'a FWHM in mm >= 0'),
      ...optionalNumber('mr-gain', o['mr-gain'], 'mrGain', (v) => v > 0, 'a gain > 0'),
      ...optionalNumber('mr-noise', o['mr-noise'], 'mrNoise', (v) => v >= 0, 'a fraction >= 0'),
      ...optionalNumber('bias', o.bias, 'biasAmplitude', (v) => v >= 0 && v < 1, 'in [0, 1)'),
      ...optionalNumber('ct-noise', o['ct-noise'], 'ctNoiseHu', (v) => v >= 0, 'a number of HU >= 0'),
      ...optionalNumber('pet-fwhm', o['pet-fwhm'], 'petFwhmMm', (v) => v >= 0, 'a FWHM in mm >= 0'),
      ...optionalNumber('pet-counts', o['pet-counts'], 'petCountsPerMl', (v) => v > 0, 'a count density > 0'),
    };
    const t0 = performance.now();
    const description = await writePhantom(o.out, options, (p) => {
      const state = p.diseased ? 'diseased' : 'healthy ';
      const lesions = options.lesions ? `  ${p.lesionCount} lesions` : '';
      console.log(`[${String(p.index + 1).padStart(String(p.total).length)}/${p.total}] ${p.id}  ${state}${lesions}  ${p.seconds.toFixed(2)} s`);
    });
    const [nx, ny, nz] = description.grid.dims;
    const diseased = description.subjects.filter((s) => s.diseased).length;
    console.log(`wrote ${subjects} subjects (${diseased} diseased) on a ${nx}×${ny}×${nz} grid of ${description.grid.spacing[0]} mm to ${o.out} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return 0;
  },
};

function nonNegativeInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new ConfigError(`lacuna ${NAME}: --${name} must be an integer >= 0, got '${value}'`, name, value);
  return n;
}

/** `{ [key]: number }` from a numeric option, or `{}` when it is absent; errors name the flag. */
function optionalNumber<K extends string>(flag: string, value: string | undefined, key: K, ok: (v: number) => boolean, what: string): Partial<Record<K, number>> {
  if (value === undefined) return {};
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !ok(n)) throw new ConfigError(`lacuna ${NAME}: --${flag} must be ${what}, got '${value}'`, flag, value);
  return { [key]: n } as Partial<Record<K, number>>;
}
