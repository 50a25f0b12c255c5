/** Paired subjects from files (Node): pairSubject with readVolume (NIfTI, NRRD, MetaImage, DICOM), and the phantom's folders. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { IOError } from '@lacuna/core';
import { readVolume } from './volume_files.js';
import { pairSubject, type ModalityOptions, type PairedSubject, type SubjectFiles } from './paired_volumes.js';

/** Reads and normalises one subject from its files (see pairSubject for the grids). */
export async function loadPairedSubject(files: SubjectFiles, options: ModalityOptions): Promise<PairedSubject> {
  return pairSubject(files, options, readVolume);
}

/**
 * The subjects of a phantom directory (`lacuna medsynth phantom`): every `sub-*` folder with
 * the named modality files `<modality>.nii.gz`.
 */
export async function phantomSubjectFiles(dir: string, sourceModalities: readonly string[], targetModality: string): Promise<SubjectFiles[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.startsWith('sub-')).sort();
  } catch (e) {
    throw new IOError(`${dir}: cannot list the phantom directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, dir);
  }
  if (names.length === 0) throw new IOError(`${dir}: no sub-* subject folders (make some with 'lacuna medsynth phantom --out ${dir}')`, dir);
  const subjects: SubjectFiles[] = [];
  for (const id of names) {
    const path = (m: string) => join(dir, id, `${m}.nii.gz`);
    for (const m of [...sourceModalities, targetModality]) {
      const ok = await stat(path(m)).then((s) => s.isFile(), () => false);
      if (!ok) throw new IOError(`${path(m)}: missing (subject ${id} has no '${m}' volume)`, path(m));
    }
    const labels = join(dir, id, 'labels.nii.gz');
    const hasLabels = await stat(labels).then((s) => s.isFile(), () => false);
    subjects.push({ id, source: sourceModalities.map(path), target: path(targetModality), ...(hasLabels ? { labels } : {}) });
  }
  return subjects;
}

