import assert from 'node:assert/strict';
import { test } from 'node:test';
import { data } from '@lacuna/core';
import { axisCoordinates, phantomGrid } from './grid.js';
import { PlaneWaveGrid, planeWaveValue, randomPlaneWaves } from './plane_waves.js';
import { deriveSeed, streamSeed } from './seeds.js';

test('separable plane-wave tables equal Σ a sin(k·p + φ) and its analytic gradient', () => {
  const grid = phantomGrid(8);
  const waves = randomPlaneWaves(new data.Random(4), 5, 2, 20, 60, 3);
  const table = new PlaneWaveGrid(waves, grid);
  const [xs, ys, zs] = [axisCoordinates(grid, 0), axisCoordinates(grid, 1), axisCoordinates(grid, 2)];
  const out = new Float64Array(2);
  const grad = new Float64Array(3);
  for (const [i, j, k] of [[0, 0, 0], [3, 7, 11], [22, 26, 22], [10, 1, 20]] as const) {
    table.setRow(j, k);
    table.values(i, out);
    const p: [number, number, number] = [xs[i]!, ys[j]!, zs[k]!];
    assert.ok(Math.abs(out[0]! - planeWaveValue(waves, p, 0)) < 1e-9);
    assert.ok(Math.abs(out[1]! - planeWaveValue(waves, p, 1)) < 1e-9);
    const v = table.valueAndGradient(i, grad);
    assert.ok(Math.abs(v - out[0]!) < 1e-12);
    for (let a = 0; a < 3; a++) {
      const e = 1e-4;
      const hi = [...p] as [number, number, number];
      const lo = [...p] as [number, number, number];
      hi[a] += e;
      lo[a] -= e;
      const fd = (planeWaveValue(waves, hi) - planeWaveValue(waves, lo)) / (2 * e);
      assert.ok(Math.abs(grad[a]! - fd) < 1e-6, `axis ${a}: ${grad[a]} vs ${fd}`);
    }
  }
  // Wavelengths inside the requested range.
  for (const w of waves) {
    const lambda = (2 * Math.PI) / Math.hypot(...w.k);
    assert.ok(lambda >= 20 - 1e-9 && lambda <= 60 + 1e-9);
  }
});

test('stream seeds: distinct per (seed, subject, stream), in [0, 2^53), stable', () => {
  const seen = new Set<number>();
  for (let seed = 0; seed < 5; seed++)
    for (let i = 0; i < 20; i++)
      for (const s of ['anatomy', 'lesions', 'mr-noise', 'ct-noise', 'pet-noise', 'bias', 'disease'] as const) {
        const x = streamSeed(seed, i, s);
        assert.ok(Number.isSafeInteger(x) && x >= 0);
        seen.add(x);
      }
  assert.equal(seen.size, 5 * 20 * 7);
  assert.equal(deriveSeed(1, 2, 3), deriveSeed(1, 2, 3));
  assert.notEqual(deriveSeed(1, 2), deriveSeed(2, 1));
  assert.notEqual(deriveSeed(2 ** 40, 0), deriveSeed(0, 0)); // the high bits count too
});
