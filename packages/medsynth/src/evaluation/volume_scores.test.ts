import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, ValueError } from '@lacuna/core';
import { alongAxis, maskOf, scoresCsv, scoresJson, scoreVolumePair } from './volume_scores.js';

await initBackend({ backend: 'cpu' });

test('alongAxis puts the chosen axis slowest: x -> [ny, nz, nx], y -> [nx, nz, ny]', () => {
  const [nx, ny, nz] = [2, 3, 4];
  const v = Float32Array.from({ length: nx * ny * nz }, (_, i) => i); // value = i + nx (j + ny k)
  const [px, , , dx] = alongAxis(v, v, undefined, [nx, ny, nz], 'x');
  assert.deepEqual(dx, [ny, nz, nx]);
  // New index (a, b, c) = (j, k, i): element c·(ny·nz) + b·ny + a holds i + nx (j + ny k).
  for (const [i, j, k] of [[1, 2, 3], [0, 1, 2], [1, 0, 0]] as const) assert.equal(px[i * ny * nz + k * ny + j], i + nx * (j + ny * k));
  const [py, , , dy] = alongAxis(v, v, undefined, [nx, ny, nz], 'y');
  assert.deepEqual(dy, [nx, nz, ny]);
  assert.equal(py[2 * nx * nz + 3 * nx + 1], 1 + nx * (2 + ny * 3));
});

test('a constant offset scores MAE = offset; CSV and JSON carry every slice and the volume', () => {
  const dims = [8, 8, 2] as const;
  const ref = Float32Array.from({ length: 128 }, (_, i) => (i * 37) % 11);
  const pred = ref.map((v) => v + 0.5);
  const { scores, dataRange, sliceCount } = scoreVolumePair(pred, ref, dims, { predPath: 'p', refPath: 'r' });
  assert.equal(dataRange, 10);
  assert.equal(sliceCount, 2);
  assert.ok(Math.abs(scores.volume.mae - 0.5) < 1e-6);
  const csv = scoresCsv(scores).trim().split('\n');
  assert.equal(csv[0], 'slice,mae,psnr,ssim,voxels');
  assert.equal(csv.length, 4);
  assert.match(csv[3]!, /^volume,0\.5,/);
  assert.equal(JSON.parse(scoresJson(scoreVolumePair(ref, ref, dims, { predPath: 'p', refPath: 'r' }).scores)).volume.psnr, null);
  assert.throws(() => maskOf(new Float32Array(4), 'm.nii'), (e: unknown) => e instanceof ValueError && /m\.nii has no voxels > 0\.5/.test((e as Error).message));
  assert.throws(() => scoreVolumePair(pred.map((v, i) => (i === 5 ? NaN : v)), ref, dims, { predPath: 'p.nii', refPath: 'r' }), /p\.nii: voxel 5 is NaN/);
});
