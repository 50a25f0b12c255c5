import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { data } from '@lacuna/core';
import { phantomGrid } from './grid.js';
import { generatePhantomSubject, MODALITIES } from './phantom.js';
import { TISSUES } from './tissues.js';
import { writePhantom } from './write_phantom.js';

const OPTS = { subjects: 2, voxel: 4, seed: 17, lesions: true } as const;

test('writePhantom: every volume reads back with the grid, affine and values of the generator', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lacuna-phantom-'));
  const progress: string[] = [];
  const description = await writePhantom(dir, OPTS, (p) => progress.push(`${p.index}/${p.total} ${p.id}`));
  assert.deepEqual(progress, ['0/2 sub-001', '1/2 sub-002']);
  assert.deepEqual(readdirSync(dir).sort(), ['phantom.json', 'sub-001', 'sub-002']); // no temporary folders left
  const grid = phantomGrid(4);
  for (let index = 0; index < 2; index++) {
    const s = generatePhantomSubject(index, OPTS);
    const folder = join(dir, s.id);
    const labels = await data.readNifti(join(folder, 'labels.nii.gz'));
    assert.equal(labels.datatype, 'uint8');
    assert.deepEqual(labels.dims, grid.dims);
    assert.deepEqual(labels.spacing, [4, 4, 4]);
    assert.deepEqual(labels.affine, [4, 0, 0, -88, 0, 4, 0, -106, 0, 0, 4, -88, 0, 0, 0, 1]);
    assert.deepEqual(labels.data, s.labels.data);
    for (const t of TISSUES) assert.deepEqual((await data.readNifti(join(folder, `fractions_${t}.nii.gz`))).data, s.fractions[t].data, t);
    for (const m of MODALITIES) {
      const img = await data.readNifti(join(folder, `${m}.nii.gz`));
      assert.equal(img.datatype, m === 'ct' ? 'int16' : 'float32', m);
      assert.deepEqual(img.affine, labels.affine, m);
      assert.deepEqual(img.data, s.modalities[m].data, m);
    }
    const meta = JSON.parse(readFileSync(join(folder, 'subject.json'), 'utf8'));
    assert.equal(meta.diseased, s.meta.diseased);
    assert.equal(meta.lesionCount, s.meta.lesionCount);
    assert.equal(meta.parameters.headScale, s.meta.parameters.headScale);
    assert.equal(meta.files.modalities.t1, 't1.nii.gz');
  }
  const json = JSON.parse(readFileSync(join(dir, 'phantom.json'), 'utf8'));
  assert.deepEqual(json.subjects.map((x: { id: string }) => x.id), ['sub-001', 'sub-002']);
  assert.deepEqual(json.grid.dims, [45, 54, 45]);
  assert.equal(json.tissues[3].name, 'wm');
  assert.equal(json.tissues[3].mr.t1, 500);
  assert.equal(json.subjects.filter((x: { diseased: boolean }) => x.diseased).length, 1); // one per pair
  assert.deepEqual(description.subjects, json.subjects);
});

test('writePhantom: the same seed writes byte-identical files; rewriting replaces subjects', async () => {
  const a = mkdtempSync(join(tmpdir(), 'lacuna-phantom-a-'));
  const b = mkdtempSync(join(tmpdir(), 'lacuna-phantom-b-'));
  const one = { ...OPTS, subjects: 1 };
  await writePhantom(a, one);
  await writePhantom(b, one);
  await writePhantom(b, one); // over an existing subject
  for (const name of readdirSync(join(a, 'sub-001'))) {
    assert.ok(readFileSync(join(a, 'sub-001', name)).equals(readFileSync(join(b, 'sub-001', name))), `${name} differs`);
  }
  assert.deepEqual(readdirSync(b).sort(), ['phantom.json', 'sub-001']);
});

test('writePhantom and generatePhantomSubject reject bad options by name', async () => {
  await assert.rejects(writePhantom('/tmp/never', { subjects: 0 }), /subjects must be a positive integer/);
  assert.throws(() => generatePhantomSubject(0, { voxel: 0.1 }), /voxel must be a voxel size in mm/);
  assert.throws(() => generatePhantomSubject(0, { field: 7 as 3 }), /field must be 1.5 or 3/);
  assert.throws(() => generatePhantomSubject(0, { seed: -1 }), /seed must be an integer/);
  assert.throws(() => generatePhantomSubject(0, { sequences: { t2: { kind: 'spin-echo', tr: 100, te: 200 } } }), /sequence t2 has TE 200 ms >= TR 100 ms/);
  assert.throws(() => generatePhantomSubject(-1), /subject index must be an integer/);
});
