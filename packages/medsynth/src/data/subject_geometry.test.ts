import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShapeError, data, transforms } from '@lacuna/core';
import { pairSubject } from './paired_volumes.js';
import { synthesizeVolume, type SynthesisModelInfo } from '../workflow/predict_volume.js';
import type { SliceSynthesizer } from '../workflow/slice_synthesizer.js';

/** A smooth 'head' on a 16x14x6 RAS grid of 1.5 x 1.5 x 3 mm: bright ellipsoid, varying inside. */
function head(scale: number): data.Volume {
  const dims = [16, 14, 6] as const;
  const out = new Float32Array(16 * 14 * 6);
  for (let k = 0; k < 6; k++) for (let j = 0; j < 14; j++) for (let i = 0; i < 16; i++) {
    const r = ((i - 7.5) / 6) ** 2 + ((j - 6.5) / 5) ** 2 + ((k - 2.5) / 3) ** 2;
    out[(k * 14 + j) * 16 + i] = r < 1 ? scale * (100 + 10 * i + 5 * j + 20 * k) : 0;
  }
  return { data: out, dims, spacing: [1.5, 1.5, 3], affine: [1.5, 0, 0, -11, 0, 1.5, 0, -9, 0, 0, 3, -7, 0, 0, 0, 1] };
}

const files = new Map<string, data.Volume>();
const read = async (name: string) => files.get(name)!;
const options = { sourceModalities: ['t1'], targetModality: 't2' };

test('pairSubject: a source stored LPS pairs exactly like the same source stored RAS; slices run along S/I', async () => {
  files.set('t1_ras', head(1));
  files.set('t1_lps', transforms.reorient(head(1), 'LPS'));
  files.set('t1_spr', transforms.reorient(head(1), 'SPR'));
  files.set('t2', head(2));
  const ras = await pairSubject({ id: 'a', source: ['t1_ras'], target: 't2' }, options, read);
  for (const name of ['t1_lps', 't1_spr']) {
    const other = await pairSubject({ id: 'b', source: [name], target: 't2' }, options, read);
    assert.deepEqual(Array.from(other.source[0]!), Array.from(ras.source[0]!), name);
    assert.deepEqual(other.grid.dims, [16, 14, 6]);
  }
  // A target stored SPR: the working grid is RAS, so the third axis (slices) is S/I with 6 slices.
  files.set('t2_spr', transforms.reorient(head(2), 'SPR'));
  const s = await pairSubject({ id: 'c', source: ['t1_lps'], target: 't2_spr' }, options, read);
  assert.equal(transforms.axisCodes(s.grid.affine), 'RAS');
  assert.deepEqual(s.grid.dims, [16, 14, 6]);
  assert.deepEqual(Array.from(s.target!), Array.from(ras.target!));
  // 'native' keeps the target's arrays as stored (S, P, R); the RAS source is resampled onto them.
  const native = await pairSubject({ id: 'd', source: ['t1_ras'], target: 't2_spr' }, { ...options, geometry: { orientation: 'native' } }, read);
  assert.deepEqual(native.grid.dims, [6, 14, 16]);
  assert.equal(transforms.axisCodes(native.grid.affine), 'SPR');
});

test('pairSubject: a source on a shifted grid is resampled onto the target grid; far-off grids are refused by name', async () => {
  const t1 = head(1);
  // The same anatomy sampled half a voxel further along x: values between the grid's.
  const shiftedGrid = { dims: t1.dims, affine: [1.5, 0, 0, -11 + 0.75, 0, 1.5, 0, -9, 0, 0, 3, -7, 0, 0, 0, 1] };
  files.set('t1_shift', transforms.resampleToGrid(t1, shiftedGrid));
  files.set('t2', head(2));
  const a = await pairSubject({ id: 'a', source: ['t1_ras'], target: 't2' }, options, read);
  const b = await pairSubject({ id: 'b', source: ['t1_shift'], target: 't2' }, options, read);
  // Inside the head away from its edge the field is linear in i: resampling twice is exact there.
  const at = (v: Float32Array, i: number, j: number, k: number) => v[(k * 14 + j) * 16 + i]!;
  // (grid holds the first source on the working grid in its own units.)
  for (const [i, j, k] of [[7, 6, 2], [8, 7, 3], [6, 6, 2]] as const) assert.ok(Math.abs(at(b.grid.data, i, j, k) - at(a.grid.data, i, j, k)) < 1e-3, `voxel ${i},${j},${k}: ${at(b.grid.data, i, j, k)} vs ${at(a.grid.data, i, j, k)}`);
  files.set('t1_far', { ...t1, affine: [1.5, 0, 0, 200, 0, 1.5, 0, -9, 0, 0, 3, -7, 0, 0, 0, 1] });
  await assert.rejects(pairSubject({ id: 'c', source: ['t1_far'], target: 't2' }, options, read), (e: unknown) => e instanceof ShapeError && /t1_far: only 0\.0 % of t2's grid lies inside it/.test(e.message));
});

test('synthesizeVolume: the prediction comes back on the input grid (orientation and affine), also with a working voxel size', async () => {
  files.set('t1_lps', transforms.reorient(head(1), 'LPS'));
  const identity: SliceSynthesizer = { predict: (s) => ({ data: Float32Array.from({ length: s.shape[0] * s.shape[1] * s.shape[2] }, (_, p) => s.data[p * s.shape[3]]!), shape: [s.shape[0], s.shape[1], s.shape[2], 1] }) };
  const info: SynthesisModelInfo = { sourceModalities: ['t1'], targetModality: 't1', context: 0, multiple: 1, norm: {}, targetNorm: { kind: 'mr', offset: 0, scale: 1 } };
  for (const geometry of [undefined, { orientation: 'RAS', spacing: [0.75, 0.75, 1.5] as [number, number, number] }]) {
    const { volume, mask } = await synthesizeVolume(identity, { ...info, ...(geometry ? { geometry } : {}) }, ['t1_lps'], read);
    const input = files.get('t1_lps')!;
    assert.deepEqual(volume.dims, input.dims);
    volume.affine.forEach((v, i) => assert.ok(Math.abs(v - input.affine[i]!) < 1e-9));
    assert.equal(mask.length, input.data.length);
    // The identity model gives input / p99.5 in the head: one ratio everywhere. With half-size
    // working voxels every input voxel is a working voxel, so the way back is exact too.
    const ratios: number[] = [];
    for (let v = 0; v < input.data.length; v++) {
      if (!mask[v] || !(input.data[v]! > 0)) continue;
      ratios.push(volume.data[v]! / input.data[v]!);
    }
    assert.ok(ratios.length > 100);
    assert.ok(Math.max(...ratios) - Math.min(...ratios) < 1e-4 * Math.max(...ratios), `one ratio: ${Math.min(...ratios)}..${Math.max(...ratios)}`);
  }
});

