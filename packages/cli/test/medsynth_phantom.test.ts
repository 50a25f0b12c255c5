import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/lacuna.js', import.meta.url));
const lacuna = (...args: string[]) => spawnSync(process.execPath, [bin, 'medsynth', 'phantom', ...args], { encoding: 'utf8', env: { ...process.env, LACUNA_QUIET: '1', LACUNA_THREADS: '1' } });

test('lacuna medsynth phantom --help documents the options; medsynth --help lists phantom', () => {
  const r = lacuna('--help');
  assert.equal(r.status, 0, r.stderr);
  for (const flag of ['--subjects', '--out', '--seed', '--voxel', '--field', '--lesions', '--noise-free', '--pet-fwhm']) assert.match(r.stdout, new RegExp(flag));
  const list = spawnSync(process.execPath, [bin, 'medsynth', '--help'], { encoding: 'utf8' });
  assert.match(list.stdout, /phantom\s+simulate multi-modal brain phantoms/);
});

test('bad options fail with exit 1 and a message naming the option', () => {
  const cases: [string[], RegExp][] = [
    [['--subjects', '2'], /--out DIR is required/],
    [['--subjects', '1', '--out', '/tmp/x', '--voxel', 'abc'], /--voxel must be a size in mm between 0.5 and 8, got 'abc'/],
    [['--subjects', '1', '--out', '/tmp/x', '--seed', '1.5'], /--seed must be an integer >= 0, got '1.5'/],
    [['--bogus'], /Unknown option '--bogus'/],
  ];
  for (const [args, message] of cases) {
    const r = lacuna(...args);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stdout}`);
    assert.match(r.stderr, message, args.join(' '));
  }
});

test('lacuna medsynth phantom writes the subjects with a progress line each', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'lacuna-cli-phantom-')), 'ph');
  const r = lacuna('--subjects', '2', '--out', out, '--voxel', '4', '--seed', '5', '--lesions');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\[1\/2\] sub-001 {2}(healthy|diseased)\s+\d+ lesions {2}[\d.]+ s/);
  assert.match(r.stdout, /\[2\/2\] sub-002/);
  assert.match(r.stdout, /wrote 2 subjects \(1 diseased\) on a 45×54×45 grid of 4 mm/);
  assert.deepEqual(readdirSync(out).sort(), ['phantom.json', 'sub-001', 'sub-002']);
  assert.equal(readdirSync(join(out, 'sub-001')).length, 8 + 6 + 2); // fractions, modalities, labels, subject.json
  const json = JSON.parse(readFileSync(join(out, 'phantom.json'), 'utf8'));
  assert.equal(json.options.seed, 5);
  assert.equal(json.options.lesions, true);
});

test('lacuna medsynth phantom --site: documented, an unknown site names the choices, site B writes its profile into phantom.json', () => {
  const help = lacuna('--help');
  for (const flag of ['--site A|B', '--mr-fwhm', '--mr-gain']) assert.match(help.stdout, new RegExp(flag.replace('|', '\\|')));
  const bad = lacuna('--subjects', '1', '--out', '/tmp/x', '--site', 'C');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /site must be one of A, B, got 'C'/);
  const out = join(mkdtempSync(join(tmpdir(), 'lacuna-cli-site-')), 'ph');
  const r = lacuna('--subjects', '1', '--out', out, '--voxel', '8', '--site', 'B');
  assert.equal(r.status, 0, r.stderr);
  const description = JSON.parse(readFileSync(join(out, 'phantom.json'), 'utf8'));
  assert.equal(description.options.site, 'B');
  assert.equal(description.options.field, 3);
  assert.equal(description.options.mrFwhmMm, 3);
  assert.equal(description.options.mrGain, 2.5);
});

test('lacuna medsynth harmonise --help describes the four scores; bad options name themselves', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'medsynth', 'harmonise', ...args], { encoding: 'utf8', env: { ...process.env, LACUNA_QUIET: '1', LACUNA_THREADS: '1' } });
  const help = run('--help');
  assert.equal(help.status, 0, help.stderr);
  for (const word of ['same_site', 'raw', 'histogram', 'synthesis', '--steps', '--subjects']) assert.match(help.stdout, new RegExp(word));
  const bad = run('--steps', 'x');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--steps/);
});
