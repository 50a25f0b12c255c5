/**
 * The subjects of a training run, split by subject: explicit roles from the config first, the
 * rest drawn with the split seed (never by slice).
 */
import { ValueError } from '@lacuna/core';
import { loadPairedSubject, phantomSubjectFiles } from '../data/paired_files.js';
import type { PairedSubject, SubjectFiles } from '../data/paired_volumes.js';
import { splitSubjects } from '../data/subject_split.js';
import { bidsSubjects, scanBids } from '../data/bids.js';
import { readDatalist } from '../data/datalist.js';
import type { TrainConfig } from './train_config.js';

export interface SplitSubjects {
  readonly train: PairedSubject[];
  readonly val: PairedSubject[];
  readonly test: PairedSubject[];
}

type Role = 'train' | 'val' | 'test';

/** The usable subjects of a BIDS folder; the skipped ones and the choices made are logged, and none usable is an error. */
async function bidsTrainingSubjects(bids: NonNullable<TrainConfig['data']['bids']>, source: readonly string[], target: string, log: (message: string) => void): Promise<SubjectFiles[]> {
  const dir = typeof bids === 'string' ? bids : bids.dir;
  const images = await scanBids(dir);
  const found = bidsSubjects(images, { source, target, ...(typeof bids !== 'string' && bids.run ? { run: bids.run } : {}), ...(typeof bids !== 'string' && bids.filter ? { filter: bids.filter } : {}) });
  for (const s of found.skipped) log(`BIDS: skipping ${s.id}: ${s.reason}`);
  for (const n of found.notes) log(`BIDS: ${n}`);
  if (found.subjects.length === 0) {
    const suffixes = [...new Set(images.map((im) => im.suffix))].sort();
    throw new ValueError(`${dir}: no subject has every modality asked for (${[...source, target].join(', ')}); the folder has ${suffixes.join(', ') || 'no images'} (BIDS suffixes are case-sensitive)`);
  }
  return found.subjects;
}

/** Lists the run's subject files with their roles. */
export async function subjectRoles(config: TrainConfig, log: (message: string) => void = () => {}): Promise<{ files: SubjectFiles; role: Role }[]> {
  const d = config.data;
  const listed: { files: SubjectFiles; role?: Role }[] = d.phantom
    ? (await phantomSubjectFiles(d.phantom, d.source, d.target)).map((files) => ({ files }))
    : d.bids
      ? (await bidsTrainingSubjects(d.bids, d.source, d.target, log)).map((files) => ({ files }))
      : d.datalist
        ? await readDatalist(d.datalist, d.source.length)
        : d.subjects!.map(({ role, ...files }) => ({ files, ...(role ? { role } : {}) }));
  const ids = listed.map((s) => s.files.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new ValueError(`data.subjects: the id '${dup}' is used twice`);
  const free = listed.filter((s) => !s.role).map((s) => s.files.id);
  const drawn = free.length > 0 ? splitSubjects(free, d.split) : { train: [], val: [], test: [] };
  const roleOf = (id: string): Role => (drawn.val.includes(id) ? 'val' : drawn.test.includes(id) ? 'test' : 'train');
  const roles = listed.map((s) => ({ files: s.files, role: s.role ?? roleOf(s.files.id) }));
  if (!roles.some((r) => r.role === 'train')) throw new ValueError('data: no training subjects (every subject has role val or test)');
  return roles;
}

/** Loads and normalises every subject of the run, grouped by role. */
export async function loadTrainingSubjects(config: TrainConfig, onSubject?: (id: string, done: number, total: number) => void, log: (message: string) => void = () => {}): Promise<SplitSubjects> {
  const roles = await subjectRoles(config, log);
  const out: SplitSubjects = { train: [], val: [], test: [] };
  for (const [i, { files, role }] of roles.entries()) {
    out[role].push(await loadPairedSubject(files, { sourceModalities: config.data.source, targetModality: config.data.target, norm: config.data.norm, geometry: config.data.geometry }));
    onSubject?.(files.id, i + 1, roles.length);
  }
  return out;
}
