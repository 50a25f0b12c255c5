import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, IOError } from '@lacuna/core';
import { bidsSubjects, parseBidsName, scanBids } from './bids.js';
import { readDatalist } from './datalist.js';
import { parseTrainConfig } from '../workflow/train_config.js';
import { subjectRoles } from '../workflow/training_data.js';

/** Writes empty files at the given paths under a new folder (scanning reads names only). */
function tree(paths: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'lacuna-bids-'));
  for (const p of paths) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), '');
  }
  return root;
}

test('parseBidsName: entities and suffix from the name; other names are not images', () => {
  assert.deepEqual(parseBidsName('sub-01_ses-2_acq-mprage_run-1_T1w.nii.gz'), { entities: { sub: '01', ses: '2', acq: 'mprage', run: '1' }, suffix: 'T1w' });
  assert.deepEqual(parseBidsName('sub-x_pet.nii'), { entities: { sub: 'x' }, suffix: 'pet' });
  assert.equal(parseBidsName('sub-01_T1w.json'), null);
  assert.equal(parseBidsName('T1w.nii.gz'), null);
  assert.equal(parseBidsName('ses-1_T1w.nii.gz'), null);
  assert.equal(parseBidsName('sub-01_bad_T1w.nii.gz'), null);
});

test('BIDS: sessions, runs, modalities missing, ambiguous acquisitions; all listed with reasons', async () => {
  const root = tree([
    'README', 'participants.tsv', 'dataset_description.json',
    'sub-01/anat/sub-01_T1w.nii.gz', 'sub-01/anat/sub-01_T1w.json', 'sub-01/anat/sub-01_T2w.nii.gz',
    'sub-02/ses-a/anat/sub-02_ses-a_run-2_T1w.nii.gz', 'sub-02/ses-a/anat/sub-02_ses-a_run-1_T1w.nii.gz', 'sub-02/ses-a/anat/sub-02_ses-a_T2w.nii.gz',
    'sub-02/ses-b/anat/sub-02_ses-b_T1w.nii.gz',
    'sub-03/anat/sub-03_T1w.nii.gz', 'sub-03/pet/sub-03_pet.nii.gz',
    'sub-04/anat/sub-04_acq-a_T1w.nii.gz', 'sub-04/anat/sub-04_acq-b_T1w.nii.gz', 'sub-04/anat/sub-04_T2w.nii',
    'derivatives/sub-01/anat/sub-01_T2w.nii.gz',
  ]);
  const images = await scanBids(root);
  assert.equal(images.length, 11);
  assert.deepEqual(images.find((im) => im.datatype === 'pet')!.entities, { sub: '03' });
  const found = bidsSubjects(images, { source: ['T1w'], target: 'T2w' });
  assert.deepEqual(found.subjects.map((s) => s.id), ['sub-01', 'sub-02_ses-a']);
  assert.equal(found.subjects[1]!.source[0], join(root, 'sub-02/ses-a/anat/sub-02_ses-a_run-1_T1w.nii.gz'));
  assert.equal(found.subjects[1]!.target, join(root, 'sub-02/ses-a/anat/sub-02_ses-a_T2w.nii.gz'));
  assert.deepEqual(found.entities['sub-02_ses-a'], { sub: '02', ses: 'a' });
  assert.deepEqual(found.notes, ['sub-02_ses-a: 2 T1w runs, using run-1']);
  assert.deepEqual(found.skipped.map((s) => s.id), ['sub-02_ses-b', 'sub-03', 'sub-04']);
  assert.match(found.skipped[0]!.reason, /^no T2w image$/);
  assert.match(found.skipped[2]!.reason, /2 T1w images differ in other entities .*choose with a filter/);
  // Asking for run-2, or filtering on acq-b.
  const run2 = bidsSubjects(images, { source: ['T1w'], target: 'T2w', run: '2' });
  assert.equal(run2.subjects.map((s) => s.id).join(), 'sub-01,sub-02_ses-a');
  assert.equal(run2.subjects[1]!.source[0], join(root, 'sub-02/ses-a/anat/sub-02_ses-a_run-2_T1w.nii.gz'));
  const b = bidsSubjects(images, { source: ['T1w'], target: 'T2w', filter: { acq: 'b' } });
  assert.deepEqual(b.subjects.map((s) => s.id), ['sub-01', 'sub-02_ses-a', 'sub-04']);
  assert.equal(b.subjects[2]!.source[0], join(root, 'sub-04/anat/sub-04_acq-b_T1w.nii.gz'));
  // PET to T1w: only sub-03 has both.
  assert.deepEqual(bidsSubjects(images, { source: ['pet'], target: 'T1w' }).subjects.map((s) => s.id), ['sub-03']);
});

test('BIDS: a name that disagrees with its folder, no sub-* folders, and nothing usable are clear errors', async () => {
  const bad = tree(['sub-05/anat/sub-06_T1w.nii.gz']);
  await assert.rejects(scanBids(bad), (e: unknown) => e instanceof IOError && /sub-06_T1w\.nii\.gz: its entities \(sub-06\) disagree with its folder sub-05/.test(e.message));
  await assert.rejects(scanBids(tree(['data/x.nii.gz'])), /no sub-\* folders; is this a BIDS data set\?/);
  const root = tree(['sub-01/anat/sub-01_T1w.nii.gz']);
  const config = parseTrainConfig({ data: { bids: root, source: ['T1w'], target: 'T2w' }, model: { arch: 'forest' }, out: 'x' });
  await assert.rejects(subjectRoles(config), /no subject has every modality asked for \(T1w, T2w\); the folder has T1w \(BIDS suffixes are case-sensitive\)/);
  assert.throws(() => parseTrainConfig({ data: { bids: root, phantom: 'p' }, model: { arch: 'forest' }, out: 'x' }), (e: unknown) => e instanceof ConfigError && /exactly one of data\.phantom/.test(e.message));
});

test('BIDS and datalist configs list the subjects with their roles', async () => {
  const root = tree(['sub-01/anat/sub-01_T1w.nii.gz', 'sub-01/anat/sub-01_T2w.nii.gz', 'sub-02/anat/sub-02_T1w.nii.gz', 'sub-02/anat/sub-02_T2w.nii.gz', 'sub-03/anat/sub-03_T1w.nii.gz', 'sub-03/anat/sub-03_T2w.nii.gz']);
  const logs: string[] = [];
  const roles = await subjectRoles(parseTrainConfig({ data: { bids: root, source: ['T1w'], target: 'T2w', split: { val: 1, test: 1, seed: 0 } }, model: { arch: 'forest' }, out: 'x' }), (m) => logs.push(m));
  assert.deepEqual(roles.map((r) => r.role).sort(), ['test', 'train', 'val']);
  const dir = mkdtempSync(join(tmpdir(), 'lacuna-datalist-'));
  writeFileSync(join(dir, 'list.json'), JSON.stringify({ name: 'pairs', training: [{ image: ['a/t1.nii.gz'], label: 'a/t2.nii.gz' }, { image: 'b/t1.nii.gz', label: 'b/t2.nii.gz', id: 'bee' }], validation: [{ image: 'c/t1.nii.gz', label: '/abs/c_t2.nii.gz' }] }));
  const list = await readDatalist(join(dir, 'list.json'), 1);
  assert.deepEqual(list.map((r) => [r.files.id, r.role]), [['t1', 'train'], ['bee', 'train'], ['t1', 'val']]);
  assert.equal(list[0]!.files.source[0], join(dir, 'a/t1.nii.gz'));
  assert.equal(list[2]!.files.target, '/abs/c_t2.nii.gz');
  // Ids must differ (the first and the third are both 't1'): the run says so.
  await assert.rejects(subjectRoles(parseTrainConfig({ data: { datalist: join(dir, 'list.json') }, model: { arch: 'forest' }, out: 'x' })), /the id 't1' is used twice/);
  writeFileSync(join(dir, 'two.json'), JSON.stringify({ training: [{ image: ['x.nii.gz', 'y.nii.gz'], label: 'z.nii.gz' }] }));
  await assert.rejects(readDatalist(join(dir, 'two.json'), 1), (e: unknown) => e instanceof ConfigError && /training\[0\]\.image has 2 file\(s\), data\.source names 1 modality/.test(e.message));
  writeFileSync(join(dir, 'nolabel.json'), JSON.stringify({ test: [{ image: 'x.nii.gz' }] }));
  await assert.rejects(readDatalist(join(dir, 'nolabel.json'), 1), /test\[0\] has no "label"/);
  writeFileSync(join(dir, 'broken.json'), '{ "training": [');
  await assert.rejects(readDatalist(join(dir, 'broken.json'), 1), /broken\.json: not valid JSON/);
});

test('a forest trains end to end on a BIDS folder whose T2w files are stored in LPS order, and scores its test subject', async () => {
  const { initBackend, data: core, transforms } = await import('@lacuna/core');
  const { toyPair } = await import('../workflow/testdata/toy_subjects.js');
  const { trainSynthesis } = await import('../workflow/train_synthesis.js');
  await initBackend();
  const root = mkdtempSync(join(tmpdir(), 'lacuna-bids-train-'));
  for (let i = 0; i < 4; i++) {
    const { source, target } = toyPair(i + 1);
    const anat = join(root, `sub-0${i + 1}`, 'anat');
    mkdirSync(anat, { recursive: true });
    await core.writeNifti(join(anat, `sub-0${i + 1}_T1w.nii.gz`), source);
    // The target's arrays in LPS order (x and y flipped): the working grid brings both back to RAS.
    await core.writeNifti(join(anat, `sub-0${i + 1}_T2w.nii.gz`), transforms.reorient(target, 'LPS'));
  }
  const logs: string[] = [];
  const config = parseTrainConfig({ data: { bids: root, source: ['T1w'], target: 'T2w', split: { val: 0, test: 1, seed: 0 } }, model: { arch: 'forest', trees: 4, maxDepth: 8, samples: 4000 }, out: join(root, 'run') });
  const result = await trainSynthesis(config, { progress: 'none', log: (m) => logs.push(m) });
  assert.ok(logs.some((l) => /subjects: 3 train, 0 validation, 1 test/.test(l)), logs.join('\n'));
  // The forest learns the toy contrast from aligned pairs (33.7 dB here).
  assert.ok(result.test!.psnr > 30, `test PSNR ${result.test!.psnr}`);
});
