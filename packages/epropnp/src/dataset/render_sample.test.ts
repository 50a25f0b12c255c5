import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeCamera, projectPoints } from '../geometry/camera.js';
import { quaternionToMatrix } from '../geometry/rotation.js';
import { cropIntrinsics, cropPixelToImage } from '../render/crop.js';
import { loadObject } from '../render/objects.js';
import { createRasterBuffers, rasterize, transformPoints } from '../render/rasterize.js';
import { encodeDataset } from './dataset_file.js';
import { renderDataset, sampleRandom } from './pose_dataset.js';
import { renderSample } from './render_sample.js';

test('the coordinate map projects back onto its own pixel centres (image and crop intrinsics)', () => {
  for (const name of ['bunny', 'box', 'vase'] as const) {
    const object = loadObject(name);
    for (let i = 0; i < 4; i++) {
      const s = renderSample(object, sampleRandom(7, i));
      const S = 64, scale = s.box.size / S;
      const pts: number[] = [], want: number[] = [];
      for (let r = 0; r < S; r++) {
        for (let c = 0; c < S; c++) {
          if (!s.objectMask[r * S + c]) continue;
          pts.push(...s.x3d.subarray((r * S + c) * 3, (r * S + c) * 3 + 3));
          want.push(...cropPixelToImage(s.box, S, r, c));
        }
      }
      assert.ok(pts.length > 3 * 200, `${name} sample ${i}: only ${pts.length / 3} object pixels`);
      const uv = projectPoints(pts, s.pose, makeCamera({ fx: 572.4114, fy: 573.57043, cx: 325.2611, cy: 242.04899 }));
      let worst = 0;
      for (let k = 0; k < uv.length; k++) worst = Math.max(worst, Math.abs(uv[k]! - want[k]!) / scale);
      // In crop pixels; float32 coordinates limit this to ~1e-4.
      assert.ok(worst < 0.01, `${name} sample ${i}: reprojection error ${worst} crop px`);
    }
  }
});

test('visible mesh vertices land on pixels whose coordinate map holds them', () => {
  const object = loadObject('bunny');
  const s = renderSample(object, sampleRandom(3, 0), { occlusionProbability: 0 });
  const S = 64;
  const K = cropIntrinsics({ fx: 572.4114, fy: 573.57043, cx: 325.2611, cy: 242.04899 }, s.box, S);
  const R = quaternionToMatrix(s.pose, undefined, 3);
  const cam = transformPoints(object.mesh.vertices, R, s.pose);
  const buf = createRasterBuffers(S, S);
  rasterize(cam, object.mesh.faces, K, buf);
  let checked = 0;
  const v = object.mesh.vertices;
  for (let a = 0; a < v.length / 3; a++) {
    const z = cam[a * 3 + 2]!;
    const u = (K[0]! * cam[a * 3]!) / z + K[2]!, w = (K[4]! * cam[a * 3 + 1]!) / z + K[5]!;
    const c = Math.round(u), r = Math.round(w);
    if (r < 0 || r >= S || c < 0 || c >= S || !s.objectMask[r * S + c]) continue;
    if (Math.abs(1 / buf.inverseDepth[r * S + c]! - z) > 2e-3) continue; // hidden behind other surface
    // The pixel centre is within half a pixel of the vertex: the stored point is within about
    // one pixel footprint (size·z/f) of it.
    const footprint = (s.box.size / S) * (z / 572.4114);
    const d = Math.hypot(s.x3d[(r * S + c) * 3]! - v[a * 3]!, s.x3d[(r * S + c) * 3 + 1]! - v[a * 3 + 1]!, s.x3d[(r * S + c) * 3 + 2]! - v[a * 3 + 2]!);
    assert.ok(d < 2 * footprint, `vertex ${a}: ${d} m from the map, footprint ${footprint}`);
    checked++;
  }
  assert.ok(checked > 100, `only ${checked} visible vertices checked`);
});

test('masks, occlusion and the crop box are consistent', () => {
  const ds = renderDataset({ object: 'box', count: 24, seed: 5 });
  const px = 64 * 64;
  let occludedSamples = 0;
  for (let i = 0; i < ds.count; i++) {
    let visible = 0, silhouette = 0;
    for (let p = 0; p < px; p++) {
      const m = ds.masks[i * px + p]!, o = ds.objectMasks[i * px + p]!;
      assert.ok(m <= o, 'visible pixel off the silhouette');
      visible += m; silhouette += o;
      if (!o) assert.equal(ds.x3d[(i * px + p) * 3], 0);
    }
    assert.ok(visible >= 0.7 * silhouette - 1e-9, `sample ${i}: ${visible}/${silhouette} visible (max occlusion 30 %)`);
    if (visible < silhouette) occludedSamples++;
    // The object fills a reasonable part of the crop: the box is 1.5 x (0.75..1.25) its size.
    assert.ok(silhouette > 0.05 * px && silhouette < 0.6 * px, `sample ${i}: silhouette ${silhouette}`);
    const z = ds.poses[i * 7 + 2]!;
    assert.ok(z >= 0.5 && z <= 1.0);
  }
  assert.ok(occludedSamples >= 5 && occludedSamples <= 20, `${occludedSamples} occluded samples of 24`);
});

test('same seed gives identical bytes, another seed different ones', () => {
  const a = encodeDataset(renderDataset({ object: 'vase', count: 6, seed: 11 }));
  const b = encodeDataset(renderDataset({ object: 'vase', count: 6, seed: 11 }));
  const c = encodeDataset(renderDataset({ object: 'vase', count: 6, seed: 12 }));
  assert.deepEqual(a, b);
  assert.equal(a.length, c.length);
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== c[i]) diff++;
  assert.ok(diff > a.length / 4, `only ${diff} bytes differ`);
  // Sample i depends on (seed, i) only: the first samples of a bigger set are the same.
  const small = renderDataset({ object: 'vase', count: 2, seed: 11 });
  const big = renderDataset({ object: 'vase', count: 6, seed: 11 });
  assert.deepEqual(small.images, big.images.subarray(0, small.images.length));
});

test("views 'upper' keeps the camera above the object's equator; 'sphere' does not", () => {
  for (const name of ['bunny', 'vase'] as const) {
    const object = loadObject(name);
    const side = (views: 'sphere' | 'upper') => {
      const ds = renderDataset({ object: name, count: 40, seed: 8, cropSize: 16, views });
      return Array.from({ length: ds.count }, (_, i) => {
        const R = quaternionToMatrix(ds.poses, undefined, i * 7 + 3);
        // Object-frame direction to the camera: −(row 3 of R).
        return -(object.up[0] * R[6]! + object.up[1] * R[7]! + object.up[2] * R[8]!);
      });
    };
    assert.ok(side('upper').every((d) => d > 0), `${name}: a view from below`);
    const sphere = side('sphere');
    assert.ok(sphere.some((d) => d < 0) && sphere.some((d) => d > 0), `${name}: sphere views all on one side`);
  }
  assert.throws(() => renderDataset({ object: 'box', count: 1, seed: 0, views: 'top' as 'upper' }), /views must be/);
});
