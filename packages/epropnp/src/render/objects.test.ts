import assert from 'node:assert/strict';
import { test } from 'node:test';
import { symmetryRotations } from './mesh.js';
import { loadObject, OBJECT_NAMES } from './objects.js';

test('the bunny is centred and scaled to a 0.15 m diameter', () => {
  const o = loadObject('bunny');
  assert.equal(o.mesh.vertices.length, 1839 * 3);
  assert.equal(o.mesh.faces.length, 3674 * 3);
  assert.ok(Math.abs(o.diameter - 0.15) < 1e-6, `diameter ${o.diameter}`);
  assert.deepEqual(o.symmetry, { kind: 'none' });
  for (const e of o.halfExtent) assert.ok(e > 0.03 && e < 0.075);
});

test('box (180° about z) and vase (continuous about z): shape and texture are invariant', () => {
  for (const name of ['box', 'vase'] as const) {
    const o = loadObject(name);
    const v = o.mesh.vertices, n = v.length / 3;
    const rotations = symmetryRotations(o.symmetry, 48);
    assert.equal(rotations.length, name === 'box' ? 2 : 48);
    for (const R of rotations) {
      // Every vertex maps onto a vertex of the same colour (meshes are built on the symmetry's grid).
      for (let a = 0; a < n; a += 7) {
        const x = v[a * 3]!, y = v[a * 3 + 1]!, z = v[a * 3 + 2]!;
        const p = [R[0]! * x + R[1]! * y + R[2]! * z, R[3]! * x + R[4]! * y + R[5]! * z, R[6]! * x + R[7]! * y + R[8]! * z];
        let best = -1, bestD = Infinity;
        for (let b = 0; b < n; b++) {
          const d = Math.hypot(v[b * 3]! - p[0]!, v[b * 3 + 1]! - p[1]!, v[b * 3 + 2]! - p[2]!);
          if (d < bestD) [best, bestD] = [b, d];
        }
        assert.ok(bestD < 1e-6, `${name}: vertex ${a} has no image under the symmetry (${bestD})`);
        for (let c = 0; c < 3; c++) assert.ok(Math.abs(o.colors[a * 3 + c]! - o.colors[best * 3 + c]!) < 1e-5, `${name}: colour differs`);
      }
    }
  }
});

test('textures vary over the surface and are the same on every load', () => {
  for (const name of OBJECT_NAMES) {
    const o = loadObject(name);
    let lo = Infinity, hi = -Infinity;
    for (const c of o.colors) [lo, hi] = [Math.min(lo, c), Math.max(hi, c)];
    assert.ok(hi - lo > 0.2, `${name}: colour range ${lo}..${hi}`);
    assert.ok(o.diameter > 0.1 && o.diameter < 0.2, `${name}: diameter ${o.diameter}`);
  }
  // The box is not symmetric under 180° about x: its texture breaks the box's own shape symmetry.
  const box = loadObject('box');
  const v = box.mesh.vertices;
  let differs = 0;
  for (let a = 0; a < v.length / 3; a++) {
    const p = [v[a * 3]!, -v[a * 3 + 1]!, -v[a * 3 + 2]!];
    for (let b = 0; b < v.length / 3; b++) {
      if (Math.hypot(v[b * 3]! - p[0]!, v[b * 3 + 1]! - p[1]!, v[b * 3 + 2]! - p[2]!) < 1e-6 && Math.abs(box.colors[a * 3]! - box.colors[b * 3]!) > 1e-3) {
        differs++;
        break;
      }
    }
  }
  assert.ok(differs > 50, `only ${differs} vertices differ under 180° about x`);
});
