// What each package exports, against the committed list: a change to the public surface must
// be deliberate. After an intended change: LACUNA_UPDATE_API=1 npm test -- api_surface
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { apiSurface, type Surface } from './api_surface.js';

const file = fileURLToPath(new URL('./api_surface.json', import.meta.url));

test('the public API of every package is the committed one (api_surface.json)', () => {
  const now = apiSurface();
  if (process.env.LACUNA_UPDATE_API === '1') writeFileSync(file, `${JSON.stringify(now, null, 1)}\n`);
  const committed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Surface>;
  for (const [pkg, surface] of Object.entries(now)) {
    const was = committed[pkg] ?? { values: [], types: [] };
    for (const kind of ['values', 'types'] as const) {
      const added = surface[kind].filter((n) => !was[kind].includes(n));
      const removed = was[kind].filter((n) => !surface[kind].includes(n));
      assert.deepEqual({ added, removed }, { added: [], removed: [] }, `${pkg} ${kind} changed; if intended, run LACUNA_UPDATE_API=1 npm test -- api_surface`);
    }
  }
  assert.deepEqual(Object.keys(committed).sort(), Object.keys(now).sort());
  // The README's top-level names stay top level.
  for (const name of ['solvePnP', 'solvePnPBatch', 'makePnPBatch', 'makeCamera', 'LINEMOD_INTRINSICS', 'EProPnP', 'monteCarloPoseLoss']) {
    assert.ok(now['@lacuna/epropnp']!.values.includes(name), `@lacuna/epropnp exports ${name}`);
  }
});
