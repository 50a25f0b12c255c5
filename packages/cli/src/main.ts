/** `lacuna`: one command line for the Lacuna toolkit, a subcommand per task. Each system's code loads only when its command runs. */
import { readFileSync } from 'node:fs';
import { LacunaError } from '@lacuna/core/errors';
import { commandGroup, lazyCommand } from './cli_args.js';

const lacuna = commandGroup('', 'Lacuna', '', [
  lazyCommand('info', 'print the tensor backend, thread count and versions', async () => (await import('./commands/info.js')).infoCommand),
  lazyCommand('demo', 'train a small network on generated data and write an HTML report', async () => (await import('./commands/demo.js')).demoCommand),
  lazyCommand('medsynth', 'cross-modality medical image synthesis (phantom, train, predict, eval)', async () => (await import('./commands/medsynth.js')).medsynthCommand),
  lazyCommand('dine', 'black-box domain adaptation (train-source, serve, adapt, eval)', async () => (await import('./commands/dine.js')).dineCommand),
  lazyCommand('worker', 'do cohort jobs from a Redis queue (lacuna medsynth cohort submit)', async () => (await import('./commands/worker.js')).workerCommand),
  lazyCommand('app', 'serve the browser app on 127.0.0.1 (medsynth, EPro-PnP, DINE, computed in the page)', async () => (await import('./commands/app.js')).appCommand),
  lazyCommand('epropnp', 'end-to-end probabilistic PnP for 6-DoF object pose (render, train, eval, predict)', async () => (await import('./commands/epropnp.js')).epropnpCommand),
]);

/** The CLI package's version (package.json beside dist/ and src/). */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

try {
  const argv = process.argv.slice(2);
  if (argv[0] === '--version' || argv[0] === '-V') {
    console.log(`lacuna ${version()}`);
    process.exitCode = 0;
  } else {
    process.exitCode = await lacuna.run(argv);
  }
} catch (e) {
  // Lacuna's own errors are for users: print the message, not a stack.
  if (e instanceof LacunaError) console.error(`error: ${e.message}`);
  else console.error(e);
  process.exitCode = 1;
}
