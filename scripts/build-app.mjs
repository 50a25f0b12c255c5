#!/usr/bin/env node
// Builds the page of `lacuna app` into packages/cli/dist/app: the bundle of packages/cli/app/main.ts
// for browsers (the packages' browser entries, via their compiled dist/), index.html, and the
// committed models the page opens on. Runs after `tsc -b` (npm run build).
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync, renameSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'packages/cli/dist/app');
const tmp = `${out}.tmp-${process.pid}`;
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });
await build({
  entryPoints: [join(root, 'packages/cli/app/main.ts')],
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  outfile: join(tmp, 'app.js'),
  logLevel: 'warning',
});
cpSync(join(root, 'packages/cli/app/index.html'), join(tmp, 'index.html'));
for (const model of ['medsynth-phantom-t1-t2-small', 'dine-digits-source-small', 'epropnp-bunny64-D']) {
  cpSync(join(root, 'models', model), join(tmp, 'models', model), { recursive: true });
}
// elastix's pipelines, served by the app itself (registration.registerRigid's pipelinesBaseUrl):
// the loader imports NAME.js and fetches NAME.wasm.zst.
const pipelines = join(root, 'node_modules/@itk-wasm/elastix/dist/pipelines');
mkdirSync(join(tmp, 'pipelines/elastix'), { recursive: true });
for (const name of ['elastix', 'default-parameter-map']) {
  for (const file of [`${name}.js`, `${name}.wasm.zst`]) cpSync(join(pipelines, file), join(tmp, 'pipelines/elastix', file));
}
rmSync(out, { recursive: true, force: true });
renameSync(tmp, out);
