import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IOError, data, transforms } from '@lacuna/core';
import { readVolume } from './volume_files.js';
import { writeDicomSeries } from './testdata/dicom_series.js';

const dir = mkdtempSync(join(tmpdir(), 'lacuna-volume-files-'));
const close = (a: readonly number[], b: readonly number[], what: string, tol = 1e-5) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < tol, `${what}[${i}]: ${v} vs ${b[i]}`));

test('NRRD and MetaImage (.mha, .mhd) keep geometry: the RAS affine equals the NIfTI that ITK writes of the same image', async () => {
  const { writeImageNode } = await import('@itk-wasm/image-io');
  // LPS direction (row-major): i along +y, j along −x, k along z; origin and spacing uneven.
  const image = {
    imageType: { dimension: 3, componentType: 'float32', pixelType: 'Scalar', components: 1 },
    name: 'lacuna', origin: [10, -5, 7], spacing: [1, 2, 3], direction: new Float64Array([0, -1, 0, 1, 0, 0, 0, 0, 1]), size: [4, 3, 2],
    metadata: new Map(), data: Float32Array.from({ length: 24 }, (_, i) => i * 1.5),
  };
  await writeImageNode(image as never, join(dir, 'ref.nii.gz'));
  const ref = await data.readNifti(join(dir, 'ref.nii.gz'));
  // By hand: RAS = diag(−1, −1, 1)·LPS. Column i: LPS (0, 1, 0)·1 → RAS (0, −1, 0); column j: LPS (−1, 0, 0)·2 → (2, 0, 0).
  close(ref.affine, [0, 2, 0, -10, -1, 0, 0, 5, 0, 0, 3, 7, 0, 0, 0, 1], 'NIfTI by ITK');
  for (const name of ['a.nrrd', 'a.mha', 'a.mhd']) {
    await writeImageNode(image as never, join(dir, name));
    const v = await readVolume(join(dir, name));
    assert.deepEqual(v.dims, [4, 3, 2], name);
    close(v.affine, ref.affine, name);
    close(v.spacing, [1, 2, 3], `${name} spacing`);
    assert.deepEqual(Array.from(v.data), Array.from(image.data), name);
    assert.equal(transforms.axisCodes(v.affine), 'PRS');
  }
  // NIfTI goes through core's reader.
  assert.deepEqual(Array.from((await readVolume(join(dir, 'ref.nii.gz'))).data), Array.from(image.data));
});

test('a DICOM series (slice files out of name order, a sagittal orientation) reads in slice order with the right geometry', async () => {
  const series = join(dir, 'series');
  mkdirSync(series);
  const [nx, ny, nz] = [5, 4, 3];
  const values = Array.from({ length: nx * ny * nz }, (_, p) => { const i = p % nx, j = Math.floor(p / nx) % ny, k = Math.floor(p / (nx * ny)); return 100 * k + 10 * j + i; });
  // Rows run along +y (posterior), columns down along −z: sagittal slices stacked along row × column = −x.
  writeDicomSeries(series, { size: [nx, ny, nz], values, origin: [20, -30, 40], rowCosines: [0, 1, 0], columnCosines: [0, 0, -1], spacing: [0.8, 0.9, 2.5] });
  const v = await readVolume(series);
  assert.deepEqual(v.dims, [nx, ny, nz]);
  assert.deepEqual(Array.from(v.data), values);
  close(v.spacing, [0.8, 0.9, 2.5], 'spacing');
  // LPS columns: i (0, 1, 0)·0.8, j (0, 0, −1)·0.9, k (−1, 0, 0)·2.5, origin (20, −30, 40); RAS flips x and y.
  close(v.affine, [0, 0, 2.5, -20, -0.8, 0, 0, 30, 0, -0.9, 0, 40, 0, 0, 0, 1], 'affine', 1e-4);
  assert.equal(transforms.axisCodes(v.affine), 'PIR');
  // Reoriented to RAS, "axial" now means S/I: dims follow.
  assert.deepEqual(transforms.reorient(v, 'RAS').dims, [nz, nx, ny]);
});

test('readVolume: unknown formats, missing files, corrupt files and empty folders are errors naming the path', async () => {
  await assert.rejects(readVolume(join(dir, 'missing.mha')), (e: unknown) => e instanceof IOError && /missing\.mha: cannot read \(ENOENT\)/.test(e.message));
  writeFileSync(join(dir, 'x.tiff'), 'x');
  await assert.rejects(readVolume(join(dir, 'x.tiff')), /x\.tiff: unknown volume format; Lacuna reads \.nii, \.nii\.gz, \.nrrd/);
  writeFileSync(join(dir, 'bad.nrrd'), 'NRRD0004\ntype: float\ndimension: 3\nsizes: 4 3 2\nencoding: raw\n\nshort');
  await assert.rejects(readVolume(join(dir, 'bad.nrrd')), (e: unknown) => e instanceof IOError && /bad\.nrrd: ITK could not read it/.test(e.message));
  mkdirSync(join(dir, 'empty'));
  await assert.rejects(readVolume(join(dir, 'empty')), /empty: an empty folder/);
});
