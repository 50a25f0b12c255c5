// The example configs the README runs are valid and write where the README says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { loadTrainConfig } from '@lacuna/medsynth';

const root = fileURLToPath(new URL('../../../', import.meta.url));

test('examples/medsynth configs parse; their phantom and runs folders are the repository root\'s', async () => {
  const dir = join(root, 'examples', 'medsynth');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  assert.deepEqual(files.sort(), ['t1_to_t2_pix2pix.json', 't1_to_t2_quick.json']);
  for (const f of files) {
    const c = await loadTrainConfig(join(dir, f));
    assert.equal(c.data.phantom, join(root, 'phantom'));
    assert.equal(c.out, join(root, 'runs', f.replace('.json', '')));
    assert.deepEqual(c.data.split, { val: 2, test: 4, seed: 0 });
  }
});

test('examples/epropnp configs parse; their data and runs are the repository root\'s runs/', async () => {
  const { loadPoseTrainConfig } = await import('@lacuna/epropnp');
  const dir = join(root, 'examples', 'epropnp');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  assert.deepEqual(files, ['box32_C.json', 'box32_D.json', 'box32_D2cauchy.json', 'bunny64_A.json', 'bunny64_A_more.json', 'bunny64_D.json', 'bunny64_warm.json']);
  for (const f of files) {
    const c = await loadPoseTrainConfig(join(dir, f));
    assert.ok(c.out.startsWith(join(root, 'runs')), `${f}: out ${c.out}`);
    if (c.data.file) assert.equal(c.data.file, join(root, 'runs', 'bunny64', 'train.lcnp'));
    if (c.train.init) assert.ok([join(root, 'runs', 'bunny64', 'warm', 'model'), join(root, 'runs', 'bunny64', 'A', 'model'), join(root, 'runs', 'box32', 'D', 'model'), join(root, 'models', 'epropnp-box32-D')].includes(c.train.init), `${f}: init ${c.train.init}`);
  }
});
