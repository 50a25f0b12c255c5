import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRasterBuffers, interpolateAttribute, rasterize } from './rasterize.js';

// K with f = 10 px and the principal point at the origin: (x, y, z) -> (10x/z, 10y/z).
const K = [10, 0, 0, 0, 10, 0, 0, 0, 1];

test('perspective-correct barycentrics on one triangle match the hand-computed point', () => {
  // P0 = (0,0,1), P1 = (1,0,2), P2 = (0,1,2) project to (0,0), (5,0), (0,5).
  const points = Float64Array.of(0, 0, 1, 1, 0, 2, 0, 1, 2);
  const faces = Uint32Array.of(0, 1, 2);
  const buf = createRasterBuffers(8, 8);
  rasterize(points, faces, K, buf);
  // Pixel (r 1, c 1): screen barycentrics (3/5, 1/5, 1/5); divided by z: (0.6, 0.1, 0.1), sum 0.8,
  // so weights (0.75, 0.125, 0.125), the 3D point (0.125, 0.125, 1.25) and 1/z = 0.8.
  // (Screen-linear interpolation would give (0.2, 0.2, 1.4) instead.)
  const p = 1 * 8 + 1;
  assert.equal(buf.face[p], 0);
  assert.ok(Math.abs(buf.inverseDepth[p]! - 0.8) < 1e-6);
  const out = new Float32Array(8 * 8 * 3);
  interpolateAttribute(buf, faces, points, 3, out);
  for (const [k, want] of [0.125, 0.125, 1.25].entries()) assert.ok(Math.abs(out[p * 3 + k]! - want) < 1e-6, `x3d[${k}] = ${out[p * 3 + k]}`);
  // The interpolated point projects back onto the pixel centre it was drawn at.
  assert.ok(Math.abs((10 * out[p * 3]!) / out[p * 3 + 2]! - 1) < 1e-6);
  // Coverage with inclusive edges: pixel centres (c, r) with c, r >= 0 and c + r <= 5 (21 of them).
  let covered = 0;
  for (const f of buf.face) if (f === 0) covered++;
  assert.equal(covered, 21);
  assert.equal(buf.face[6 * 8 + 0], -1);
});

test('the z-buffer keeps the nearer of two overlapping triangles, in either drawing order', () => {
  // Two copies of one screen triangle (0,0), (6,0), (0,6): at z = 1 and z = 2 (scaled to project the same).
  const near = [0, 0, 1, 0.6, 0, 1, 0, 0.6, 1];
  const far = [0, 0, 2, 1.2, 0, 2, 0, 1.2, 2];
  for (const order of [[near, far], [far, near]]) {
    const points = Float64Array.from([...order[0]!, ...order[1]!]);
    const faces = Uint32Array.of(0, 1, 2, 3, 4, 5);
    const buf = createRasterBuffers(8, 8);
    rasterize(points, faces, K, buf);
    const nearFace = order[0] === near ? 0 : 1;
    for (let p = 0; p < 64; p++) {
      if (buf.face[p] === -1) continue;
      assert.equal(buf.face[p], nearFace, `pixel ${p}`);
      assert.ok(Math.abs(buf.inverseDepth[p]! - 1) < 1e-6);
    }
    assert.equal(buf.face[2 * 8 + 2], nearFace);
  }
});

test('triangles behind the camera or degenerate are skipped', () => {
  const points = Float64Array.of(0, 0, -1, 1, 0, -1, 0, 1, -1, 0, 0, 1, 0.1, 0.1, 1, 0.2, 0.2, 1);
  const buf = createRasterBuffers(8, 8);
  rasterize(points, Uint32Array.of(0, 1, 2, 3, 4, 5), K, buf);
  assert.ok(buf.face.every((f) => f === -1));
});
