import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { data } from '@lacuna/core';
import { LINEMOD_INTRINSICS } from '../geometry/camera.js';
import { quaternionAngleDeg, quaternionToMatrix } from '../geometry/rotation.js';
import { loadObject } from '../render/objects.js';
import { createRasterBuffers, rasterize, transformPoints } from '../render/rasterize.js';
import { bopResultsCsv, poseFromBop, symmetryFromBop, type BopGt, type BopModelInfo } from './bop.js';
import { readBopDataset, readBopModel, writeBopDataset } from './bop_files.js';
import { sampleRandom } from './pose_dataset.js';
import { renderFrame } from './render_frame.js';

test('render -> BOP folder -> read back: the same poses and camera; the model reprojects onto its masks', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lacuna-bop-'));
  const out = join(dir, 'box_bop');
  try {
    const box = loadObject('box');
    await writeBopDataset(out, { object: box, count: 3, seed: 5, frame: { occlusionProbability: 1 } });
    const sceneDir = join(out, 'train', '000000');
    const gts = JSON.parse(await readFile(join(sceneDir, 'scene_gt.json'), 'utf8')) as Record<string, BopGt[]>;
    const cams = JSON.parse(await readFile(join(sceneDir, 'scene_camera.json'), 'utf8')) as Record<string, { cam_K: number[] }>;
    const infos = JSON.parse(await readFile(join(out, 'models', 'models_info.json'), 'utf8')) as Record<string, BopModelInfo>;
    assert.deepEqual(cams['0']!.cam_K, [LINEMOD_INTRINSICS.fx, 0, LINEMOD_INTRINSICS.cx, 0, LINEMOD_INTRINSICS.fy, LINEMOD_INTRINSICS.cy, 0, 0, 1]);
    assert.equal(infos['1']!.symmetries_discrete!.length, 1, 'the box: one non-identity symmetry (the half turn about z)');
    assert.deepEqual(symmetryFromBop(infos['1']!, 'models_info'), { kind: 'discrete', axis: [0, 0, 1], order: 2 });
    assert.ok(Math.abs(infos['1']!.diameter - box.diameter * 1000) < 1e-3);

    const { model } = await readBopModel(out);
    let maxV = 0;
    for (let i = 0; i < model.mesh.vertices.length; i++) maxV = Math.max(maxV, Math.abs(model.mesh.vertices[i]! - box.mesh.vertices[i]!));
    assert.ok(maxV < 1e-6, `model vertices back within 1 µm (${maxV})`);

    const ds = await readBopDataset(out, { cropSize: 32 });
    assert.equal(ds.count, 3);
    assert.deepEqual(Array.from(ds.bop.imIds), [0, 1, 2]);
    assert.deepEqual(ds.intrinsics, { fx: LINEMOD_INTRINSICS.fx, fy: LINEMOD_INTRINSICS.fy, cx: LINEMOD_INTRINSICS.cx, cy: LINEMOD_INTRINSICS.cy });
    const W = 640, H = 480;
    const K = [LINEMOD_INTRINSICS.fx, 0, LINEMOD_INTRINSICS.cx, 0, LINEMOD_INTRINSICS.fy, LINEMOD_INTRINSICS.cy, 0, 0, 1];
    for (let i = 0; i < 3; i++) {
      const truth = renderFrame(box, sampleRandom(5, i), { occlusionProbability: 1 }).pose;
      const back = poseFromBop(gts[String(i)]![0]!, 'scene_gt');
      assert.ok(quaternionAngleDeg(back, truth, 3, 3) < 1e-4 && Math.hypot(back[0]! - truth[0]!, back[1]! - truth[1]!, back[2]! - truth[2]!) < 1e-9, `image ${i}: pose back`);
      assert.ok(quaternionAngleDeg(ds.poses.subarray(i * 7, i * 7 + 7), truth, 3, 3) < 1e-4, `image ${i}: PoseDataset pose`);
      // The model at the BOP pose, rasterised: its silhouette is mask/ and covers mask_visib/.
      const R = quaternionToMatrix(back, new Float64Array(9), 3);
      const raster = createRasterBuffers(W, H);
      rasterize(transformPoints(model.mesh.vertices, R, back), model.mesh.faces, K, raster);
      const name = String(i).padStart(6, '0');
      const full = await data.readPng(join(sceneDir, 'mask', `${name}_000000.png`));
      const visib = await data.readPng(join(sceneDir, 'mask_visib', `${name}_000000.png`));
      let inter = 0, union = 0, visibIn = 0, visibAll = 0;
      for (let p = 0; p < W * H; p++) {
        const a = raster.face[p]! >= 0, b = full.data[p]! > 0.5, v = visib.data[p]! > 0.5;
        if (a && b) inter++;
        if (a || b) union++;
        if (v) { visibAll++; if (a) visibIn++; }
      }
      assert.ok(inter / union > 0.99, `image ${i}: silhouette IoU ${inter / union}`);
      assert.ok(visibAll > 100 && visibIn === visibAll, `image ${i}: ${visibIn} of ${visibAll} visible pixels inside the reprojected model`);
    }
    // Crops: the visible mask sits inside the rendered silhouette, and the images are not blank.
    assert.ok(ds.masks.reduce((s, m) => s + m, 0) > 50 && ds.images.some((v) => v > 0));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('BOP records: a non-rotation and short arrays are errors naming the record; results CSV as the toolkit reads it', () => {
  assert.throws(() => poseFromBop({ cam_R_m2c: [1, 0, 0, 0, 2, 0, 0, 0, 1], cam_t_m2c: [0, 0, 500], obj_id: 1 }, 'scene_gt.json image 3'), /scene_gt\.json image 3: cam_R_m2c is not a rotation/);
  assert.throws(() => poseFromBop({ cam_R_m2c: [1, 0, 0], cam_t_m2c: [0, 0, 500], obj_id: 1 }, 'x'), /cam_R_m2c must be 9 numbers/);
  assert.throws(() => symmetryFromBop({ diameter: 1, min_x: 0, min_y: 0, min_z: 0, size_x: 1, size_y: 1, size_z: 1, symmetries_discrete: [[1, 0, 0, 0, 0, -1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1], [-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]] }, 'info'), /turns about another axis/);
  const csv = bopResultsCsv([{ sceneId: 0, imId: 7, objId: 1, score: 0.5, pose: [0.01, -0.02, 0.7, 1, 0, 0, 0], seconds: 0.12 }]);
  const [head, line] = csv.trim().split('\n');
  assert.equal(head, 'scene_id,im_id,obj_id,score,R,t,time');
  const f = line!.split(',');
  assert.deepEqual(f.slice(0, 4), ['0', '7', '1', '0.5']);
  assert.deepEqual(f[4]!.split(' ').map(Number), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
  assert.deepEqual(f[5]!.split(' ').map(Number), [10, -20, 700]);
  assert.equal(f[6], '0.12');
});
