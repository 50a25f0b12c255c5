import { after, before, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ShapeError, ValueError, data, initBackend } from '@lacuna/core';
import { evalCommand } from '../src/medsynth/eval.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lacuna-medsynth-eval-'));
  await initBackend();
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const DIMS: [number, number, number] = [16, 14, 3];
const SPACING: [number, number, number] = [1, 1, 2];
const N = 16 * 14 * 3;
const PLANE = 16 * 14;

/** A reference spanning exactly [0, 100] (voxel 0 is 0, voxel 1 is 100), smooth elsewhere. */
const REF = Float32Array.from({ length: N }, (_, v) => (v === 0 ? 0 : v === 1 ? 100 : 50 + 45 * Math.sin(v * 0.37)));

async function nifti(name: string, values: Float32Array, dims = DIMS): Promise<string> {
  const p = join(dir, name);
  await data.writeNifti(p, { data: values, dims, spacing: SPACING, affine: data.centredAffine(dims, SPACING) });
  return p;
}

/** Runs the command, returning its exit code and what it printed. */
async function run(...argv: string[]): Promise<{ code: number; stdout: string }> {
  const log = mock.method(console, 'log', () => undefined);
  try {
    const code = await evalCommand.run(argv);
    return { code, stdout: log.mock.calls.map((c) => c.arguments.join(' ')).join('\n') };
  } finally {
    log.mock.restore();
  }
}

function parseCsv(text: string): Record<string, string>[] {
  const [head, ...rows] = text.trim().split('\n');
  const keys = head!.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((x, i) => [keys[i]!, x])));
}

test('a constant offset gives MAE = offset and PSNR = 10·log10(L² / offset²), per slice and per volume', async () => {
  const ref = await nifti('ref.nii.gz', REF);
  const pred = await nifti('pred.nii.gz', REF.map((x) => x + 2));
  const out = join(dir, 'metrics.csv');
  const { code, stdout } = await run('--pred', pred, '--ref', ref, '--out', out); // --range auto: L = 100
  assert.equal(code, 0);
  const psnr = 10 * Math.log10(100 ** 2 / 2 ** 2); // 33.9794 dB
  assert.match(stdout, /volume {2}MAE 2\.0000 {2}PSNR 33\.98 dB/);
  assert.match(stdout, /slices {2}3 of 3 along z/);
  const rows = parseCsv(await readFile(out, 'utf8'));
  assert.deepEqual(rows.map((r) => r['slice']), ['0', '1', '2', 'volume']);
  for (const r of rows) {
    assert.ok(Math.abs(Number(r['mae']) - 2) < 1e-4, `mae ${r['mae']}`);
    assert.ok(Math.abs(Number(r['psnr']) - psnr) < 1e-3, `psnr ${r['psnr']}`);
    assert.equal(Number(r['voxels']), r['slice'] === 'volume' ? N : PLANE);
  }
  // a fixed range changes PSNR by 20·log10(L / 100)
  const fixed = await run('--pred', pred, '--ref', ref, '--range', '1000');
  assert.match(fixed.stdout, /PSNR 53\.98 dB/);
  assert.ok((await readdir(dir)).every((f) => !f.endsWith('.tmp')));
});

test('identical volumes: SSIM 1, MAE 0, PSNR inf (null in JSON)', async () => {
  const ref = await nifti('same-ref.nii', REF);
  const pred = await nifti('same-pred.nii', REF);
  const out = join(dir, 'same.json');
  assert.equal((await run('--pred', pred, '--ref', ref, '--out', out)).code, 0);
  const json = JSON.parse(await readFile(out, 'utf8'));
  assert.equal(json.volume.mae, 0);
  assert.equal(json.volume.psnr, null);
  assert.ok(Math.abs(json.volume.ssim - 1) < 1e-6, `ssim ${json.volume.ssim}`);
  assert.equal(json.volume.voxels, N);
  assert.equal(json.slices.length, 3);
  assert.deepEqual(Object.keys(json.slices[0]).sort(), ['mae', 'psnr', 'slice', 'ssim', 'voxels']);
  // and a distorted prediction scores below 1
  const noisy = await nifti('noisy.nii', REF.map((x, v) => x + 20 * Math.cos(v * 1.7)));
  assert.equal((await run('--pred', noisy, '--ref', ref, '--out', out)).code, 0);
  const s = JSON.parse(await readFile(out, 'utf8')).volume.ssim;
  assert.ok(s < 0.9 && s > 0, `ssim ${s}`);
});

test('the mask restricts every metric and the auto range; slices without mask voxels are left out', async () => {
  // mask: slice 1 only, the left half (x < 8); errors: 3 inside the mask, 500 outside
  const maskValues = Float32Array.from({ length: N }, (_, v) => (Math.floor(v / PLANE) === 1 && v % 16 < 8 ? 1 : 0.4));
  const pred = REF.map((x, v) => x + (maskValues[v]! > 0.5 ? 3 : 500));
  const refPath = await nifti('m-ref.nii.gz', REF);
  const predPath = await nifti('m-pred.nii.gz', pred);
  const maskPath = await nifti('mask.nii.gz', maskValues);
  const out = join(dir, 'masked.csv');
  assert.equal((await run('--pred', predPath, '--ref', refPath, '--mask', maskPath, '--out', out)).code, 0);
  const rows = parseCsv(await readFile(out, 'utf8'));
  assert.deepEqual(rows.map((r) => r['slice']), ['1', 'volume']);
  let lo = Infinity;
  let hi = -Infinity;
  for (let v = 0; v < N; v++) if (maskValues[v]! > 0.5) [lo, hi] = [Math.min(lo, REF[v]!), Math.max(hi, REF[v]!)];
  const volume = rows[1]!;
  assert.equal(Number(volume['voxels']), 8 * 14);
  assert.ok(Math.abs(Number(volume['mae']) - 3) < 1e-4);
  assert.ok(Math.abs(Number(volume['psnr']) - 10 * Math.log10((hi - lo) ** 2 / 9)) < 1e-3, `psnr ${volume['psnr']} range ${hi - lo}`);
  // the same errors without the mask: MAE is the voxel-weighted mean of 3 and 500
  assert.equal((await run('--pred', predPath, '--ref', refPath, '--out', out)).code, 0);
  const all = parseCsv(await readFile(out, 'utf8')).at(-1)!;
  assert.ok(Math.abs(Number(all['mae']) - (3 * 112 + 500 * (N - 112)) / N) < 1e-3, `mae ${all['mae']}`);
});

test('--axis x scores slices along x', async () => {
  const ref = await nifti('ax-ref.nii', REF);
  const pred = await nifti('ax-pred.nii', REF.map((x, v) => x + (v % 16))); // offset = x index
  const out = join(dir, 'axis.csv');
  const { stdout } = await run('--pred', pred, '--ref', ref, '--axis', 'x', '--range', '100', '--out', out);
  assert.match(stdout, /slices {2}16 of 16 along x/);
  const rows = parseCsv(await readFile(out, 'utf8'));
  assert.equal(rows.length, 17);
  rows.slice(0, 16).forEach((r, i) => {
    assert.equal(Number(r['slice']), i);
    assert.ok(Math.abs(Number(r['mae']) - i) < 1e-4, `slice ${i} mae ${r['mae']}`);
    assert.equal(Number(r['voxels']), 14 * 3);
  });
  assert.ok(Math.abs(Number(rows[16]!['mae']) - 7.5) < 1e-4);
});

test('grid mismatches and bad options fail with errors naming the file or option', async () => {
  const ref = await nifti('g-ref.nii', REF);
  const dims: [number, number, number] = [16, 14, 4];
  const other = await nifti('g-other.nii', new Float32Array(16 * 14 * 4), dims);
  await assert.rejects(run('--pred', other, '--ref', ref), (e: unknown) => {
    assert.ok(e instanceof ShapeError);
    assert.ok(e.message.includes(`${other} has dims 16x14x4`) && e.message.includes(`${ref} has dims 16x14x3`), e.message);
    return true;
  });
  await assert.rejects(run('--pred', ref, '--ref', ref, '--mask', other), (e: unknown) => e instanceof ShapeError && e.message.includes(other));
  const empty = await nifti('g-empty.nii', new Float32Array(N).fill(0.5));
  await assert.rejects(run('--pred', ref, '--ref', ref, '--mask', empty), (e: unknown) => e instanceof ValueError && /g-empty\.nii has no voxels > 0\.5/.test(e.message));
  const flat = await nifti('g-flat.nii', new Float32Array(N).fill(7));
  await assert.rejects(run('--pred', ref, '--ref', flat), /g-flat\.nii is constant.*--range/);
  await assert.rejects(run('--ref', ref), (e: unknown) => e instanceof ConfigError && /--pred .* is required/.test(e.message));
  await assert.rejects(run('--pred', ref, '--ref', ref, '--out', 'x.txt'), /--out must end in \.csv or \.json/);
  await assert.rejects(run('--pred', ref, '--ref', ref, '--range=-1'), /--range must be 'auto' or a positive number/);
  await assert.rejects(run('--pred', ref, '--ref', ref, '--axis', 'w'), /--axis must be x, y or z/);
  await assert.rejects(run('--pred', join(dir, 'missing.nii'), '--ref', ref), /missing\.nii/);
});
