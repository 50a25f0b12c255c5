import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Volume } from '../data/volume.js';
import { Random } from '../data/random.js';
import { axisCodes, multiply4, parseAxisCodes, reorient } from './orientation.js';
import { gridWithSpacing, invertAffine, resampleToGrid, resampleToSpacing } from './resample.js';

/** World position (mm) of voxel (i, j, k). */
const world = (a: readonly number[], i: number, j: number, k: number) => [0, 1, 2].map((r) => a[r * 4]! * i + a[r * 4 + 1]! * j + a[r * 4 + 2]! * k + a[r * 4 + 3]!);

/** A 4x3x2 RAS volume with distinct values, spacing 1, 2, 3 mm, origin (10, -5, 7). */
function rasVolume(): Volume {
  const rng = new Random(4);
  return { data: Float32Array.from({ length: 24 }, () => rng.uniform()), dims: [4, 3, 2], spacing: [1, 2, 3], affine: [1, 0, 0, 10, 0, 2, 0, -5, 0, 0, 3, 7, 0, 0, 0, 1] };
}

test('reorient: all 48 axis permutations and flips round-trip to RAS, every voxel keeping its world position', () => {
  const ras = rasVolume();
  const perms = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
  let cases = 0;
  const seen = new Set<string>();
  for (const perm of perms) {
    for (let flips = 0; flips < 8; flips++) {
      // The codes of a grid whose array axis a runs along world axis perm[a], negative when flipped.
      const codes = perm.map((w, a) => ((flips >> a) & 1 ? 'LPI' : 'RAS')[w]).join('');
      const other = reorient(ras, codes);
      assert.equal(axisCodes(other.affine), codes);
      seen.add(codes);
      // Same value at the same world position: voxel (i, j, k) of `other` against RAS.
      const inv = invertAffine(ras.affine);
      const [nx, ny] = other.dims;
      for (let k = 0; k < other.dims[2]; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
        const p = world(other.affine, i, j, k);
        const v = [0, 1, 2].map((r) => Math.round(inv[r * 4]! * p[0]! + inv[r * 4 + 1]! * p[1]! + inv[r * 4 + 2]! * p[2]! + inv[r * 4 + 3]!));
        assert.equal(other.data[(k * ny + j) * nx + i], ras.data[(v[2]! * 3 + v[1]!) * 4 + v[0]!]);
      }
      // Spacing follows the axes; back to RAS is exact.
      assert.deepEqual([...other.spacing].sort(), [1, 2, 3]);
      const back = reorient(other, 'RAS');
      assert.deepEqual(back.dims, ras.dims);
      assert.deepEqual(Array.from(back.data), Array.from(ras.data));
      back.affine.forEach((v, i) => assert.ok(Math.abs(v - ras.affine[i]!) < 1e-12, `affine[${i}] ${v} vs ${ras.affine[i]}`));
      cases++;
    }
  }
  assert.equal(cases, 48);
  assert.equal(seen.size, 48);
  assert.equal(reorient(ras, 'RAS'), ras, 'already RAS: the same object');
});

test('axisCodes: LPS (DICOM-like) and oblique affines; bad codes are named', () => {
  assert.equal(axisCodes([-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]), 'LPS');
  // 20 degrees about z: still nearest to RAS; 70 degrees: i runs mostly along A.
  const rot = (deg: number) => { const c = Math.cos((deg * Math.PI) / 180), s = Math.sin((deg * Math.PI) / 180); return [c, -s, 0, 0, s, c, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]; };
  assert.equal(axisCodes(rot(20)), 'RAS');
  assert.equal(axisCodes(rot(70)), 'ALS');
  assert.throws(() => parseAxisCodes('RAX'), /'X' is not one of/);
  assert.throws(() => parseAxisCodes('RRS'), /one letter for each/);
});

test('resampleToGrid: shifted by half a voxel averages neighbours; rotated 90 degrees about z reads the turned array', () => {
  // 3x1x1 line 0, 10, 20 along x, spacing 1, origin 0.
  const line: Volume = { data: Float32Array.from([0, 10, 20]), dims: [3, 1, 1], spacing: [1, 1, 1], affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] };
  const shifted = resampleToGrid(line, { dims: [3, 1, 1], affine: [1, 0, 0, 0.5, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] });
  // x = 0.5 → 5, 1.5 → 15, 2.5 → past the last centre by half a voxel: the edge value 20.
  assert.deepEqual(Array.from(shifted.data), [5, 15, 20]);
  const far = resampleToGrid(line, { dims: [2, 1, 1], affine: [1, 0, 0, 2.4, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] }, { fill: -1 });
  assert.deepEqual(Array.from(far.data), [20, -1]);
  assert.deepEqual(Array.from(resampleToGrid(line, { dims: [3, 1, 1], affine: [1, 0, 0, 0.4, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] }, { mode: 'nearest' }).data), [0, 10, 20]);
  // A 2x2 image [[1, 2], [3, 4]] (row j, column i). An output grid whose i axis runs along world y
  // and j axis along −x (a 90 degree turn), origin at world (1, 0): output (i, j) is input (1 − j, i).
  const img: Volume = { data: Float32Array.from([1, 2, 3, 4]), dims: [2, 2, 1], spacing: [1, 1, 1], affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] };
  const turned = resampleToGrid(img, { dims: [2, 2, 1], affine: [0, -1, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] });
  // out(0,0) = in(1,0) = 2; out(1,0) = in(1,1) = 4; out(0,1) = in(0,0) = 1; out(1,1) = in(0,1) = 3.
  assert.deepEqual(Array.from(turned.data), [2, 4, 1, 3]);
  // Trilinear at a hand-computed point: (0.25, 0.5) of the 2x2 image → 1 + 0.25·1 + 0.5·2 = 2.25.
  const one = resampleToGrid(img, { dims: [1, 1, 1], affine: [1, 0, 0, 0.25, 0, 1, 0, 0.5, 0, 0, 1, 0, 0, 0, 0, 1] });
  assert.ok(Math.abs(one.data[0]! - 2.25) < 1e-6);
});

test('resampleToSpacing keeps the field of view and voxel 0; an identity grid returns the same values; singular affines are errors', () => {
  const ras = rasVolume();
  const g = gridWithSpacing(ras, [0.5, 1, 1.5]);
  assert.deepEqual(g.dims, [7, 5, 3]);
  assert.deepEqual(world(g.affine, 0, 0, 0), [10, -5, 7]);
  assert.deepEqual(world(g.affine, 6, 4, 2), world(ras.affine, 3, 2, 1));
  const fine = resampleToSpacing(ras, [0.5, 1, 1.5]);
  assert.deepEqual(fine.spacing, [0.5, 1, 1.5]);
  // Every second fine voxel is an original voxel.
  for (let k = 0; k < 2; k++) for (let j = 0; j < 3; j++) for (let i = 0; i < 4; i++) {
    assert.ok(Math.abs(fine.data[(2 * k * 5 + 2 * j) * 7 + 2 * i]! - ras.data[(k * 3 + j) * 4 + i]!) < 1e-6);
  }
  const same = resampleToGrid(ras, ras);
  same.data.forEach((v, i) => assert.ok(Math.abs(v - ras.data[i]!) < 1e-6));
  assert.throws(() => invertAffine([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]), /singular/);
  const inv = invertAffine(ras.affine);
  multiply4(ras.affine, inv).forEach((v, i) => assert.ok(Math.abs(v - (i % 5 === 0 ? 1 : 0)) < 1e-12));
});
