import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { syntheticProblems, poseErrors } from '../testing/synthetic_problems.js';
import { loadOpenCv, solvePnPOpenCv, type OpenCv } from '../testing/opencv.js';
import { makePnPBatch } from '../problem/pnp_batch.js';
import { solvePnPBatch } from './solve_pnp.js';

let cv: OpenCv;
before(async () => {
  cv = await loadOpenCv();
});

test('OpenCV.js solves a noise-free problem exactly (harness check)', () => {
  const sp = syntheticProblems({ B: 1, N: 20, seed: 1 });
  const pose = solvePnPOpenCv(cv, sp.x3d, sp.x2d, sp.camera.K, 'ITERATIVE')!;
  const e = poseErrors(pose, sp.poseGt);
  assert.ok(e.trans < 1e-6 && e.rotDeg < 1e-4, JSON.stringify(e));
});

for (const noise of [1, 3]) {
  test(`with ${noise} px noise, Lacuna's LM is as accurate as OpenCV ITERATIVE and SQPNP`, () => {
    const B = 40, N = 64;
    const sp = syntheticProblems({ B, N, seed: 100 + noise, noise });
    // Unit weights and a huge Huber threshold: plain least squares, as OpenCV minimises.
    const batch = makePnPBatch({ x3d: sp.x3d, x2d: sp.x2d, camera: sp.camera, N, delta: 1e9 });
    const ours = solvePnPBatch(batch);
    const mean = { lacuna: { rot: 0, trans: 0 }, ITERATIVE: { rot: 0, trans: 0 }, SQPNP: { rot: 0, trans: 0 } };
    for (let b = 0; b < B; b++) {
      const gt = sp.poseGt.subarray(b * 7, b * 7 + 7);
      const add = (k: keyof typeof mean, pose: Float64Array) => {
        const e = poseErrors(pose, gt);
        mean[k].rot += e.rotDeg / B;
        mean[k].trans += e.trans / B;
      };
      add('lacuna', ours.pose.subarray(b * 7, b * 7 + 7));
      for (const m of ['ITERATIVE', 'SQPNP'] as const) {
        add(m, solvePnPOpenCv(cv, sp.x3d.subarray(b * N * 3, (b + 1) * N * 3), sp.x2d.subarray(b * N * 2, (b + 1) * N * 2), sp.camera.K, m)!);
      }
    }
    for (const m of ['ITERATIVE', 'SQPNP'] as const) {
      // Both minimise the same reprojection error: the errors agree to within 1 %.
      assert.ok(mean.lacuna.rot <= mean[m].rot * 1.01, `rotation: Lacuna ${mean.lacuna.rot} deg vs ${m} ${mean[m].rot} deg`);
      assert.ok(mean.lacuna.trans <= mean[m].trans * 1.01, `translation: Lacuna ${mean.lacuna.trans} vs ${m} ${mean[m].trans}`);
    }
    assert.ok(mean.lacuna.rot > 0.01 && mean.lacuna.rot < 2, `the noise must show: ${mean.lacuna.rot}`);
  });
}
