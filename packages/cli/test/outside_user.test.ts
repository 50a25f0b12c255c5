// Lacuna as an outside user gets it: `npm pack` every library, install the tarballs in a fresh
// project outside the repository, then use them from plain `node` (no TypeScript loader) and
// type-check a small TypeScript file against the emitted declarations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const LIBRARIES = ['core', 'medsynth', 'epropnp', 'dine'];

const USE = `
const { solvePnP, LINEMOD_INTRINSICS, makeCamera } = await import('@lacuna/epropnp');
const obj = [0, 0, 0, 0.1, 0, 0, 0, 0.1, 0, 0, 0, 0.1, 0.1, 0.1, 0, 0.1, 0, 0.1];
const K = makeCamera(LINEMOD_INTRINSICS).K;
const img = [];
for (let i = 0; i < obj.length; i += 3) {
  const X = obj[i] + 0.02, Y = obj[i + 1] - 0.01, Z = obj[i + 2] + 0.8;
  img.push((K[0] * X) / Z + K[2], (K[4] * Y) / Z + K[5]);
}
const pnp = solvePnP(obj, img, K);
const { initBackend, tf } = await import('@lacuna/core');
await initBackend({ backend: 'cpu' });
const { phantom } = await import('@lacuna/medsynth');
const subject = phantom.generatePhantomSubject(0, { voxel: 8, noise: false });
const t1 = subject.modalities.t1;
const { digitsNet } = await import('@lacuna/dine');
const net = digitsNet({ arch: 'mlp', seed: 1 });
const probs = tf.softmax(net.predict(tf.zeros([2, 28, 28, 1]))).arraySync();
console.log(JSON.stringify({ tvec: Array.from(pnp.tvec), rvec: Array.from(pnp.rvec), dims: t1.dims, maxT1: Math.max(...t1.data), probs }));
`;

const TYPED = `
import { solvePnP, type SolvePnPResult } from '@lacuna/epropnp';
import { trainSynthesis, type TrainConfig } from '@lacuna/medsynth';
import { adapt, type AdaptMethod } from '@lacuna/dine';
import { initBackend, type BackendInfo } from '@lacuna/core';
const r: SolvePnPResult = solvePnP([0, 0, 0], [0, 0], [1, 0, 0, 0, 1, 0, 0, 0, 1]);
const m: AdaptMethod = 'dine-full';
const f: (c: TrainConfig) => unknown = trainSynthesis;
const b: Promise<BackendInfo> = initBackend();
export { r, m, f, b, adapt };
`;

test('the packed libraries install in a fresh project and work from plain node; their types check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lacuna-outside-'));
  try {
    const tgz = join(dir, 'tgz');
    mkdirSync(tgz);
    for (const p of LIBRARIES) execFileSync('npm', ['pack', '--silent', '--pack-destination', tgz], { cwd: join(root, 'packages', p), stdio: 'pipe' });
    const tarballs = readdirSync(tgz).map((f) => join(tgz, f));
    assert.equal(tarballs.length, 4);
    const proj = join(dir, 'project');
    mkdirSync(proj);
    writeFileSync(join(proj, 'package.json'), JSON.stringify({ name: 'outside', private: true, type: 'module' }));
    // From npm's cache where it can (CI has just run npm ci), from the registry otherwise.
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs], { cwd: proj, stdio: 'pipe' });

    writeFileSync(join(proj, 'use.mjs'), USE);
    const run = spawnSync(process.execPath, ['use.mjs'], { cwd: proj, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    out.tvec.forEach((v: number, i: number) => assert.ok(Math.abs(v - [0.02, -0.01, 0.8][i]!) < 1e-9, `tvec ${out.tvec}`));
    out.rvec.forEach((v: number) => assert.ok(Math.abs(v) < 1e-9, `rvec ${out.rvec}`));
    assert.deepEqual(out.dims, [23, 27, 23]);
    assert.ok(out.maxT1 > 0);
    assert.equal(out.probs.length, 2);
    for (const row of out.probs) assert.ok(row.length === 10 && Math.abs(row.reduce((a: number, b: number) => a + b, 0) - 1) < 1e-5, `probabilities ${row}`);

    writeFileSync(join(proj, 'typed.ts'), TYPED);
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', 'typed.ts'], { cwd: proj, encoding: 'utf8' });
    assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
    writeFileSync(join(proj, 'wrong.ts'), `import { solvePnP } from '@lacuna/epropnp';\nconst r: string = solvePnP([0], [0], [1]);\nexport { r };\n`);
    const wrong = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', 'wrong.ts'], { cwd: proj, encoding: 'utf8' });
    assert.notEqual(wrong.status, 0, 'a wrong type is caught against the emitted declarations');

    // (b) The browser entries: an app importing all four libraries bundles for browsers (no
    // Node built-in reached), and the bundle holds no Node entry's code (readNifti is Node's).
    writeFileSync(
      join(proj, 'browser.mjs'),
      `import { data, initBackend } from '@lacuna/core';\nimport { solvePnP } from '@lacuna/epropnp';\nimport { synthesizeVolume, phantom } from '@lacuna/medsynth';\nimport { adapt, HttpBlackBox } from '@lacuna/dine';\nconsole.log(data.decodeNifti, initBackend, solvePnP, synthesizeVolume, phantom.generatePhantomSubject, adapt, HttpBlackBox);\n`,
    );
    const bundled = spawnSync(join(root, 'node_modules/.bin/esbuild'), ['browser.mjs', '--bundle', '--platform=browser', '--format=esm', '--outfile=browser.bundle.js', '--log-level=warning'], { cwd: proj, encoding: 'utf8' });
    assert.equal(bundled.status, 0, bundled.stdout + bundled.stderr);
    assert.equal(bundled.stderr.trim(), '', `esbuild warned: ${bundled.stderr}`);
    const bundle = readFileSync(join(proj, 'browser.bundle.js'), 'utf8');
    assert.ok(bundle.length > 100_000 && !/from ?"node:/.test(bundle) && !bundle.includes('readNifti'), 'the bundle has the libraries and nothing of their Node entries');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
