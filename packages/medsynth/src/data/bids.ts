/**
 * Subjects from a BIDS folder (the Brain Imaging Data Structure): images are found at
 * `sub-<label>/[ses-<label>/]<datatype>/<entities>_<suffix>.nii[.gz]`, their entities parsed
 * from the name (`sub`, `ses`, `acq`, `ce`, `rec`, `run`, ...), never guessed from file order.
 * One subject per (sub, ses); a modality is a suffix (`T1w`, `T2w`, `PDw`, `FLAIR`, `pet`, `ct`).
 * Subjects lacking a modality are listed with the reason rather than dropped silently; several
 * runs of one modality take the lowest run (or the `run` asked for), and say so.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { IOError } from '@lacuna/core';
import type { SubjectFiles } from './paired_volumes.js';

/** Datatype folders searched, and the suffixes medsynth reads from each. */
const DATATYPES = ['anat', 'pet', 'ct'] as const;

/** One image of the tree. */
export interface BidsImage {
  readonly path: string;
  readonly datatype: string;
  readonly suffix: string;
  /** Key-value entities of the name, in order (`sub` and, when present, `ses` included). */
  readonly entities: Readonly<Record<string, string>>;
}

/** Parses `sub-01_ses-2_run-1_T1w.nii.gz` into entities and a suffix; null when it is not a BIDS image name. */
export function parseBidsName(name: string): { entities: Record<string, string>; suffix: string } | null {
  const m = /^(.*)\.nii(\.gz)?$/.exec(name);
  if (!m) return null;
  const parts = m[1]!.split('_');
  const suffix = parts.pop()!;
  if (!/^[A-Za-z0-9]+$/.test(suffix) || parts.length === 0) return null;
  const entities: Record<string, string> = {};
  for (const p of parts) {
    const kv = /^([a-zA-Z0-9]+)-([a-zA-Z0-9+]+)$/.exec(p);
    if (!kv) return null;
    entities[kv[1]!] = kv[2]!;
  }
  return entities['sub'] ? { entities, suffix } : null;
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (e) {
    throw new IOError(`${dir}: cannot list the folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, dir);
  }
}

const isDir = (p: string) => stat(p).then((s) => s.isDirectory(), () => false);

/** Every image of a BIDS folder under sub-*[/ses-*]/{anat,pet,ct}/. */
export async function scanBids(root: string): Promise<BidsImage[]> {
  if (!(await isDir(root))) throw new IOError(`${root}: not a folder (a BIDS data set has sub-*/ folders)`, root);
  const subjects = (await listDir(root)).filter((n) => /^sub-[a-zA-Z0-9]+$/.test(n));
  if (subjects.length === 0) throw new IOError(`${root}: no sub-* folders; is this a BIDS data set?`, root);
  const images: BidsImage[] = [];
  for (const sub of subjects) {
    const sessions = (await listDir(join(root, sub))).filter((n) => /^ses-[a-zA-Z0-9]+$/.test(n));
    const places = sessions.length > 0 ? sessions.map((s) => join(root, sub, s)) : [join(root, sub)];
    for (const place of places) {
      for (const datatype of DATATYPES) {
        const dir = join(place, datatype);
        if (!(await isDir(dir))) continue;
        for (const name of await listDir(dir)) {
          const parsed = parseBidsName(name);
          if (!parsed) continue;
          const folderSes = /ses-([a-zA-Z0-9]+)$/.exec(place)?.[1];
          if (`sub-${parsed.entities['sub']}` !== sub || (folderSes ?? undefined) !== parsed.entities['ses']) {
            throw new IOError(`${join(dir, name)}: its entities (sub-${parsed.entities['sub']}${parsed.entities['ses'] ? `, ses-${parsed.entities['ses']}` : ''}) disagree with its folder ${relative(root, place)}`, join(dir, name));
          }
          images.push({ path: join(dir, name), datatype, suffix: parsed.suffix, entities: parsed.entities });
        }
      }
    }
  }
  return images;
}

/** A subject of the data set that cannot be used, and why. */
export interface SkippedSubject {
  readonly id: string;
  readonly reason: string;
}

export interface BidsSelection {
  /** Source modalities (suffixes, e.g. ['T1w']), in the model's channel order. */
  readonly source: readonly string[];
  /** Target modality (absent at prediction time). */
  readonly target?: string;
  /** Use this run for images that have runs (default: the lowest). */
  readonly run?: string;
  /** Entities to match (e.g. { acq: 'mprage' }): images with another value of one are left out. */
  readonly filter?: Readonly<Record<string, string>>;
}

export interface BidsSubjects {
  readonly subjects: SubjectFiles[];
  readonly skipped: SkippedSubject[];
  /** Notes on choices made (e.g. which of several runs was taken). */
  readonly notes: string[];
  /** The entities of each subject id (sub, ses), for output names. */
  readonly entities: Readonly<Record<string, { sub: string; ses?: string }>>;
}

/** Groups the images into subjects (one per sub and ses) with the modalities asked for. */
export function bidsSubjects(images: readonly BidsImage[], selection: BidsSelection): BidsSubjects {
  const groups = new Map<string, BidsImage[]>();
  for (const im of images) {
    // A filter entity excludes images that have it with another value (those without it stay).
    if (selection.filter && Object.entries(selection.filter).some(([k, v]) => im.entities[k] !== undefined && im.entities[k] !== v)) continue;
    const id = `sub-${im.entities['sub']}${im.entities['ses'] ? `_ses-${im.entities['ses']}` : ''}`;
    groups.set(id, [...(groups.get(id) ?? []), im]);
  }
  const subjects: SubjectFiles[] = [];
  const skipped: SkippedSubject[] = [];
  const notes: string[] = [];
  const entities: Record<string, { sub: string; ses?: string }> = {};
  const wanted = [...selection.source, ...(selection.target ? [selection.target] : [])];
  for (const id of [...groups.keys()].sort()) {
    const group = groups.get(id)!;
    const pick = (suffix: string): string | SkippedSubject => {
      let found = group.filter((im) => im.suffix === suffix);
      if (found.length === 0) return { id, reason: `no ${suffix} image` };
      if (selection.run !== undefined) {
        // The run applies to images that have runs.
        found = found.filter((im) => im.entities['run'] === undefined || im.entities['run'] === selection.run);
        if (found.length === 0) return { id, reason: `no ${suffix} image with run-${selection.run}` };
      }
      // Several runs (or acquisitions): the lowest run; otherwise ambiguous.
      const byRun = [...found].sort((a, b) => Number(a.entities['run'] ?? 0) - Number(b.entities['run'] ?? 0));
      const first = byRun[0]!;
      const ties = byRun.filter((im) => (im.entities['run'] ?? '') === (first.entities['run'] ?? ''));
      if (ties.length > 1) return { id, reason: `${ties.length} ${suffix} images differ in other entities (${ties.map((t) => relative(join(t.path, '..'), t.path)).join(', ')}); choose with a filter` };
      if (byRun.length > 1) notes.push(`${id}: ${byRun.length} ${suffix} runs, using ${first.entities['run'] !== undefined ? `run-${first.entities['run']}` : 'the one without a run'}`);
      return first.path;
    };
    const picks = wanted.map(pick);
    const missing = picks.filter((p): p is SkippedSubject => typeof p !== 'string');
    if (missing.length > 0) {
      skipped.push({ id, reason: missing.map((m) => m.reason).join('; ') });
      continue;
    }
    const paths = picks as string[];
    subjects.push({ id, source: paths.slice(0, selection.source.length), ...(selection.target ? { target: paths[selection.source.length]! } : {}) });
    const first = group[0]!.entities;
    entities[id] = { sub: first['sub']!, ...(first['ses'] ? { ses: first['ses'] } : {}) };
  }
  return { subjects, skipped, notes, entities };
}
