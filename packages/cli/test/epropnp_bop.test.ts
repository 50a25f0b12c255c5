/**
 * A user's mesh to a BOP data set, a trained model and BOP results, from the command line:
 * render --mesh (PLY, millimetres) --format bop, train on the folder, eval with --bop-results.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { render } from '@lacuna/epropnp';

const bin = fileURLToPath(new URL('../bin/lacuna.js', import.meta.url));
const runCli = async (args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, LACUNA_QUIET: '1', LACUNA_THREADS: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

test('epropnp: a PLY mesh -> BOP folder -> train -> eval --bop-results; unit slips and bad formats are named', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lacuna-bop-cli-'));
  try {
    const bunny = render.loadObject('bunny');
    writeFileSync(join(dir, 'bunny_mm.ply'), render.encodePly({ vertices: Float32Array.from(bunny.mesh.vertices, (x) => x * 1000), faces: bunny.mesh.faces }));
    const r = await runCli(['epropnp', 'render', '--mesh', join(dir, 'bunny_mm.ply'), '--units', 'mm', '--format', 'bop', '--count', '8', '--out', join(dir, 'bop')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /wrote a BOP data set of 8 640x480 frames of 'bunny_mm' \(object 1, diameter 15\.0 cm/);
    const t = await runCli(['epropnp', 'train', '--data', join(dir, 'bop'), '--out', join(dir, 'run'), '--steps', '3', '--variant', 'A']);
    assert.equal(t.code, 0, t.stderr);
    const e = await runCli(['epropnp', 'eval', '--model', join(dir, 'run'), '--data', join(dir, 'bop'), '--bop-results', join(dir, 'res.csv')]);
    assert.equal(e.code, 0, e.stderr);
    const [, crops, failures] = /obj_000001, variant A, (\d+) test crops \((\d+) PnP failures\)/.exec(e.stdout) ?? [];
    assert.equal(crops, '8', e.stdout);
    const lines = readFileSync(join(dir, 'res.csv'), 'utf8').trim().split('\n');
    assert.equal(lines[0], 'scene_id,im_id,obj_id,score,R,t,time');
    const estimates = lines.slice(1).map((l) => l.split(','));
    // One line per estimate: the crops whose PnP did not fail (an untrained net fails on many).
    assert.equal(estimates.length, 8 - Number(failures));
    assert.ok(estimates.length >= 1, 'at least one estimate to check');
    for (const f of estimates) {
      assert.equal(f.length, 7);
      const R = f[4]!.split(' ').map(Number);
      for (let a = 0; a < 3; a++) {
        const n = Math.hypot(R[a * 3]!, R[a * 3 + 1]!, R[a * 3 + 2]!);
        assert.ok(Math.abs(n - 1) < 1e-6, `row ${a} of R has norm ${n}`);
      }
      assert.equal(f[5]!.split(' ').length, 3);
    }
    const slip = await runCli(['epropnp', 'render', '--mesh', join(dir, 'bunny_mm.ply'), '--units', 'm', '--count', '2', '--out', join(dir, 'x.lcnp')]);
    assert.equal(slip.code, 1);
    assert.match(slip.stderr, /error: mesh 'bunny_mm': 150\.0 m across in 'm'; is the file in millimetres \(--units mm\)\?/);
    const noUnits = await runCli(['epropnp', 'render', '--mesh', join(dir, 'bunny_mm.ply'), '--count', '2', '--out', join(dir, 'x.lcnp')]);
    assert.match(noUnits.stderr, /--mesh needs --units m or mm/);
    writeFileSync(join(dir, 'broken.ply'), 'ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n0 0 0\n1 0 0\n0 1 0\n3 0 1 7\n');
    const broken = await runCli(['epropnp', 'render', '--mesh', join(dir, 'broken.ply'), '--units', 'm', '--count', '2', '--out', join(dir, 'x.lcnp')]);
    assert.match(broken.stderr, /broken\.ply: face 0: index 7 is past the 3 vertices/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
