// A new user's path through `lacuna medsynth`: phantom → train (config file) → predict → eval,
// resume, and the errors a user meets first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/lacuna.js', import.meta.url));
const lacuna = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, LACUNA_QUIET: '1', LACUNA_THREADS: '1' } });

test('lacuna medsynth: phantom, train, resume, predict and eval from the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lacuna-medsynth-cli-'));
  let r = lacuna(dir, 'medsynth', 'phantom', '--subjects', '4', '--out', 'phantom', '--voxel', '4', '--seed', '3');
  assert.equal(r.status, 0, r.stderr);
  const config = {
    data: { phantom: 'phantom', source: ['t1'], target: 'ct', split: { val: 1, test: 1 }, patchSize: 32 },
    model: { arch: 'unet', base: 4, depth: 2 },
    loss: { l1: 1 },
    train: { steps: 6, batchSize: 4, lr: 0.002, checkpointEvery: 3, sampleEvery: 3 },
    out: 'run',
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  r = lacuna(dir, 'medsynth', 'train', '--config', 'config.json');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /test \(1 subject\(s\), inside the head mask\): MAE [\d.]+ {2}PSNR [\d.]+ dB {2}SSIM/);
  assert.deepEqual(readdirSync(join(dir, 'run', 'samples')).sort(), ['step_000003.png', 'step_000006.png']);
  // --resume continues from the last checkpoint to the new step count.
  r = lacuna(dir, 'medsynth', 'train', '--config', 'config.json', '--resume', '--steps', '9');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(readFileSync(join(dir, 'run', 'metrics.json'), 'utf8')).steps, 9);

  // The test subject of the split, predicted and scored: eval reproduces metrics.json.
  const trained = JSON.parse(readFileSync(join(dir, 'run', 'metrics.json'), 'utf8'));
  const id = trained.subjects.test[0];
  r = lacuna(dir, 'medsynth', 'predict', '--model', 'run/model', '--in', `phantom/${id}/t1.nii.gz`, '--out', 'out/ct_syn.nii.gz');
  assert.equal(r.status, 0, r.stderr);
  for (const f of ['ct_syn.nii.gz', 'ct_syn_mask.nii.gz', 'ct_syn.json']) assert.ok(existsSync(join(dir, 'out', f)), f);
  r = lacuna(dir, 'medsynth', 'eval', '--pred', 'out/ct_syn.nii.gz', '--ref', `phantom/${id}/ct.nii.gz`, '--out', 'out/metrics.json');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /units {3}training \(as metrics\.json\)/);
  const m = JSON.parse(readFileSync(join(dir, 'out', 'metrics.json'), 'utf8'));
  const expected = trained.testBySubject[id];
  assert.ok(Math.abs(m.volume.mae - expected.mae) < 1e-3 * Math.max(1, expected.mae), `eval MAE ${m.volume.mae}, metrics.json ${expected.mae}`);
  assert.ok(Math.abs(m.volume.ssim - expected.ssim) < 1e-3, `eval SSIM ${m.volume.ssim}, metrics.json ${expected.ssim}`);
  assert.ok(Math.abs(m.volume.psnr - expected.psnr) < 0.05, `eval PSNR ${m.volume.psnr}, metrics.json ${expected.psnr}`);
  // --units raw scores the files' own units (HU here): a different number.
  r = lacuna(dir, 'medsynth', 'eval', '--pred', 'out/ct_syn.nii.gz', '--ref', `phantom/${id}/ct.nii.gz`, '--units', 'raw');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /range \d+ auto/);
});

test('lacuna medsynth: a bad config names the fields; a missing model names the folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lacuna-medsynth-cli-'));
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ data: { phantom: 'p' }, model: { arch: 'unet', depth: 0 }, train: { steps: 'many' }, out: 'o' }));
  let r = lacuna(dir, 'medsynth', 'train', '--config', 'bad.json');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad\.json: invalid config/);
  assert.match(r.stderr, /model\.depth: .*got 0/);
  assert.match(r.stderr, /train\.steps: .*got "many"/);
  r = lacuna(dir, 'medsynth', 'train');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--config FILE is required/);
  r = lacuna(dir, 'medsynth', 'predict', '--model', 'nowhere', '--in', 'a.nii.gz', '--out', 'b.nii.gz');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /nowhere\/medsynth\.json: cannot read the model description/);
  r = lacuna(dir, 'medsynth', '--help');
  assert.equal(r.status, 0);
  for (const c of ['phantom', 'train', 'predict', 'eval']) assert.match(r.stdout, new RegExp(`\\n  ${c} `));
});

test('lacuna demo --only medsynth: the phantom synthesis part lowers the test error', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'lacuna-demo-')), 'report');
  const r = lacuna(tmpdir(), 'demo', '--only', 'medsynth', '--out', out, '--synth-steps', '60');
  assert.equal(r.status, 0, r.stderr);
  const m = /medsynth: test MAE ([\d.]+) -> ([\d.]+)/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.ok(Number(m[2]) < 0.5 * Number(m[1]), m[0]);
  assert.match(readFileSync(join(out, 'index.html'), 'utf8'), /T1 → T2 synthesis on the brain phantom/);
  assert.ok(existsSync(join(out, 'medsynth_samples.png')));
});
