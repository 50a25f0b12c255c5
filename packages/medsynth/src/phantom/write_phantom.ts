/**
 * Writing a phantom cohort: DIR/sub-001/ … with one NIfTI file per volume and subject.json,
 * plus DIR/phantom.json describing the cohort (grid, options, tissue table, subjects). Each
 * subject is written into a hidden temporary folder and renamed into place when complete, so a
 * reader never sees a half-written subject.
 */
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, IOError, data } from '@lacuna/core';
import { phantomGrid } from './grid.js';
import { generatePhantomSubject, MODALITIES, resolvePhantomOptions, type Modality, type PhantomOptions, type PhantomSubject, type ResolvedPhantomOptions } from './phantom.js';
import { CT_HU, mrTissueProperties, PET_UPTAKE, TISSUES, type Tissue } from './tissues.js';

export interface PhantomCohortOptions extends PhantomOptions {
  /** Number of subjects. */
  readonly subjects: number;
}

export interface PhantomProgress {
  readonly index: number; // 0-based
  readonly total: number;
  readonly id: string;
  readonly diseased: boolean;
  readonly lesionCount: number;
  /** Seconds spent on this subject (generation and writing). */
  readonly seconds: number;
}

/** File names inside a subject folder. */
export const PHANTOM_FILES = {
  labels: 'labels.nii.gz',
  fraction: (t: Tissue) => `fractions_${t}.nii.gz`,
  modality: (m: Modality) => `${m}.nii.gz`,
  meta: 'subject.json',
} as const;

/** Units of each modality's voxel values. */
export const MODALITY_UNITS: Readonly<Record<Modality, string>> = {
  t1: 'MR signal, PD-relative (CSF PD = 1)',
  t2: 'MR signal, PD-relative (CSF PD = 1)',
  pd: 'MR signal, PD-relative (CSF PD = 1)',
  flair: 'MR signal, PD-relative (CSF PD = 1)',
  ct: 'HU',
  pet: 'FDG activity relative to white matter',
};

const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Writes one generated subject to DIR/<id>/ (replacing an older copy), atomically as a folder. */
export async function writePhantomSubject(dir: string, subject: PhantomSubject): Promise<string> {
  const final = join(dir, subject.id);
  const tmp = join(dir, `.${subject.id}.partial-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    await data.writeNifti(join(tmp, PHANTOM_FILES.labels), subject.labels, { datatype: 'uint8', sclSlope: 1, sclInter: 0, description: 'lacuna phantom tissue labels' });
    for (const t of TISSUES) {
      await data.writeNifti(join(tmp, PHANTOM_FILES.fraction(t)), subject.fractions[t], { datatype: 'float32', description: `lacuna phantom ${t} fraction` });
    }
    for (const m of MODALITIES) {
      const opts = m === 'ct' ? ({ datatype: 'int16', sclSlope: 1, sclInter: 0 } as const) : ({ datatype: 'float32' } as const);
      await data.writeNifti(join(tmp, PHANTOM_FILES.modality(m)), subject.modalities[m], { ...opts, description: `lacuna phantom ${m}` });
    }
    const files = {
      labels: PHANTOM_FILES.labels,
      fractions: Object.fromEntries(TISSUES.map((t) => [t, PHANTOM_FILES.fraction(t)])),
      modalities: Object.fromEntries(MODALITIES.map((m) => [m, PHANTOM_FILES.modality(m)])),
    };
    await data.writeFileAtomic(join(tmp, PHANTOM_FILES.meta), json({ ...subject.meta, files }), 'writePhantom');
    if (await exists(final)) {
      const old = join(dir, `.${subject.id}.old-${process.pid}`);
      await rename(final, old);
      await rename(tmp, final);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, final);
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    if (e instanceof IOError) throw e;
    throw new IOError(`writePhantom: cannot write ${final}: ${(e as Error).message}`, final);
  }
  return final;
}

/** The cohort description written as phantom.json. */
export function phantomDescription(o: ResolvedPhantomOptions, subjects: readonly { id: string; diseased: boolean; lesionCount: number }[]) {
  const grid = phantomGrid(o.voxel, o.fovMm);
  const mr = mrTissueProperties(o.field);
  // The PSF and gain are listed only when set, so a default phantom's phantom.json is what it always was.
  const { mrFwhmMm, mrGain, ...rest } = o;
  return {
    generator: '@lacuna/medsynth phantom',
    options: { ...rest, ...(mrFwhmMm !== 0 ? { mrFwhmMm } : {}), ...(mrGain !== 1 ? { mrGain } : {}) },
    grid: { dims: grid.dims, spacing: grid.spacing, affine: grid.affine, orientation: 'RAS' },
    tissues: TISSUES.map((t, label) => ({ label, name: t, mr: mr[t], ctHu: CT_HU[t], petUptake: PET_UPTAKE[t] })),
    modalities: MODALITIES.map((m) => ({ name: m, file: PHANTOM_FILES.modality(m), units: MODALITY_UNITS[m], ...(m in o.sequences ? { sequence: o.sequences[m as keyof typeof o.sequences] } : {}) })),
    subjects,
  };
}

/**
 * Generates and writes `options.subjects` subjects into `dir` (created if missing), then
 * phantom.json; `onProgress` is called after each subject.
 */
export async function writePhantom(dir: string, options: PhantomCohortOptions, onProgress?: (p: PhantomProgress) => void): Promise<ReturnType<typeof phantomDescription>> {
  const total = options.subjects;
  if (!Number.isInteger(total) || total < 1) throw new ConfigError(`phantom: subjects must be a positive integer, got ${total}`, 'subjects', total);
  const resolved = resolvePhantomOptions(options);
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new IOError(`writePhantom: cannot create ${dir}: ${(e as Error).message}`, dir);
  }
  const done: { id: string; diseased: boolean; lesionCount: number }[] = [];
  for (let index = 0; index < total; index++) {
    const t0 = performance.now();
    const subject = generatePhantomSubject(index, resolved);
    await writePhantomSubject(dir, subject);
    const entry = { id: subject.id, diseased: subject.meta.diseased, lesionCount: subject.meta.lesionCount };
    done.push(entry);
    onProgress?.({ index, total, ...entry, seconds: (performance.now() - t0) / 1000 });
  }
  const description = phantomDescription(resolved, done);
  await data.writeFileAtomic(join(dir, 'phantom.json'), json(description), 'writePhantom');
  return description;
}
