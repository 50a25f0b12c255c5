import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, IOError } from '../errors.js';
import { loadConfig } from './load_config.js';
import { parseConfig, z } from './parse_config.js';

const schema = z.strictObject({
  steps: z.number().int().positive(),
  model: z.strictObject({ arch: z.enum(['unet', 'resnet']).default('unet') }),
});

test('parseConfig: applies defaults and returns typed data', () => {
  assert.deepEqual(parseConfig(schema, { steps: 3, model: {} }), { steps: 3, model: { arch: 'unet' } });
});

test('parseConfig: lists every problem with its field path and value', () => {
  assert.throws(
    () => parseConfig(schema, { steps: -2, model: { arch: 'vit' }, extra: 1 }, 'run.json'),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /^run\.json: invalid config/);
      assert.match(e.message, /steps: .*got -2/);
      assert.match(e.message, /model\.arch: .*"unet"\|"resnet".*got "vit"/);
      assert.match(e.message, /extra/);
      assert.equal(e.option, 'steps');
      return true;
    },
  );
});

test('loadConfig: missing file and bad JSON name the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lacuna-config-'));
  await assert.rejects(loadConfig(schema, join(dir, 'none.json')), (e: unknown) => e instanceof IOError && /none\.json: cannot read config \(ENOENT\)/.test(e.message));
  const bad = join(dir, 'bad.json');
  await writeFile(bad, '{"steps": 3,');
  await assert.rejects(loadConfig(schema, bad), (e: unknown) => e instanceof ConfigError && e.message.startsWith(`${bad}: not valid JSON`));
  const good = join(dir, 'good.json');
  await writeFile(good, '{"steps": 7, "model": {"arch": "resnet"}}');
  assert.deepEqual(await loadConfig(schema, good), { steps: 7, model: { arch: 'resnet' } });
});
