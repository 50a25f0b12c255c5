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
