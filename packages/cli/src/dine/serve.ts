/** `lacuna dine serve`: serves a trained source model as a black box on 127.0.0.1. */
import { basename, resolve } from 'node:path';
import { ConfigError } from '@lacuna/core';
import { blackBox, loadDigitsNet, ModelBlackBox, serveBlackBox } from '@lacuna/dine';
import { backendOptions, parseOptions, positiveInt, printUsage, required, startBackend, type Command } from '../cli_args.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve a source model as a black box (class probabilities only) on 127.0.0.1',
  usage: `lacuna dine serve --model DIR [--port N] [--answer full|top-k:K|label] [--cors ORIGIN] [--quiet]

Serves the model over HTTP on 127.0.0.1 (default port 8765; 0 picks a free one) until Ctrl-C:
  GET  /info     {name, numClasses, height, width, answer}
  POST /predict  {count, height, width, pixels: base64 of count*28*28 uint8}
                 -> {probabilities: [[p_0 .. p_9], ...]}                 (--answer full, default)
                 -> {topk: [{classes: [..K], probabilities: [..K]}, ...]} (--answer top-k:K)
                 -> {labels: [c, ...]}                                   (--answer label)
--answer simulates APIs that return less than the full probabilities. --cors ORIGIN lets a web
page from ORIGIN (e.g. http://127.0.0.1:8080, lacuna app) query it. Clients (lacuna dine
adapt --teacher http://127.0.0.1:PORT) see only the answers.`,
  async run(argv) {
    const o = parseOptions('dine serve', argv, { model: { type: 'string' }, port: { type: 'string' }, answer: { type: 'string' }, cors: { type: 'string' }, quiet: { type: 'boolean' }, ...backendOptions });
    if (o.help) return printUsage(this.usage);
    const dir = resolve(required('dine serve', o.model, 'model', 'DIR'));
    const port = o.port === '0' ? 0 : positiveInt('dine serve', 'port', o.port, 8765);
    if (port > 65535) throw new ConfigError(`lacuna dine serve: --port must be in 0..65535, got ${port}`, 'port', port);
    const answer = blackBox.parseAnswerKind(o.answer ?? 'full', 'lacuna dine serve --answer');
    await startBackend('dine serve', o);
    const { model } = await loadDigitsNet(dir);
    // Clients see the model folder's name, never where it lives on this machine.
    const server = await serveBlackBox(new ModelBlackBox(model, basename(dir)), {
      port,
      answer,
      ...(o.cors ? { cors: o.cors } : {}),
      onRequest: o.quiet ? undefined : (r) => console.log(`${new Date().toISOString()} ${r.path} ${r.status} ${r.count ? `${r.count} images` : ''}`),
    });
    console.log(`serving ${dir} at ${server.url}, answering ${blackBox.describeAnswerKind(answer)} (Ctrl-C stops)`);
    await new Promise<void>((done) => {
      const stop = () => void server.close().then(done);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};
