/**
 * `lacuna app`: serves the browser app (packages/cli/dist/app, built by scripts/build-app.mjs)
 * on 127.0.0.1. The server only hands out files: the page, the tfjs wasm binaries, the committed
 * models, and a built-in folder of target digits (PNGs encoded at start from the demo data).
 * Every computation runs in the page. Cross-origin isolation headers (COOP/COEP) let the page
 * use SharedArrayBuffer, so the wasm backend runs threaded.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, IOError } from '@lacuna/core/errors';
import { parseOptions, printUsage, type Command } from '../cli_args.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json',
  '.wasm': 'application/wasm', '.bin': 'application/octet-stream', '.png': 'image/png', '.md': 'text/markdown; charset=utf-8',
};

/** The folder of the built page: dist/app next to this file's dist/ (or src/). */
function appDir(): string {
  return fileURLToPath(new URL('../../dist/app/', import.meta.url));
}

/** Resolves `rel` under `root`, refusing anything that leaves it. */
function inside(root: string, rel: string): string | null {
  const p = normalize(join(root, decodeURIComponent(rel)));
  return p === root.replace(/[\\/]$/, '') || p.startsWith(root.endsWith(sep) ? root : root + sep) ? p : null;
}

/** A few hundred labelled target digits as `<label>/<i>.png`, encoded once. */
async function dineTargetFiles(count: number): Promise<Map<string, Uint8Array>> {
  const { data: dineData } = await import('@lacuna/dine');
  const { data } = await import('@lacuna/core');
  const set = dineData.demoDigits('target', 'test');
  const n = Math.min(count, set.count);
  const size = set.height * set.width;
  const files = new Map<string, Uint8Array>();
  for (let i = 0; i < n; i++) {
    const pixels = Float32Array.from(set.pixels.subarray(i * size, (i + 1) * size), (v) => v / 255);
    files.set(`${set.labels![i]}/${String(i).padStart(4, '0')}.png`, data.encodePng({ data: pixels, shape: [set.height, set.width, 1] }));
  }
  return files;
}

export interface AppServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function serveApp(port: number, options: { targetImages?: number } = {}): Promise<AppServer> {
  const root = appDir();
  if (!(await stat(join(root, 'index.html')).then((s) => s.isFile(), () => false))) {
    throw new IOError(`lacuna app: the page is not built (${join(root, 'index.html')} is missing); run 'npm run build'`, root);
  }
  const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.wasm'));
  const target = await dineTargetFiles(options.targetImages ?? 400);
  const targetIndex = new TextEncoder().encode(JSON.stringify([...target.keys()]));
  const send = (res: ServerResponse, status: number, body: Uint8Array | string, type = 'text/plain; charset=utf-8') => {
    res.writeHead(status, {
      'Content-Type': type,
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cache-Control': 'no-store',
    });
    res.end(body);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'only GET');
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/examples/dine-target/index.json') return send(res, 200, targetIndex, TYPES['.json']);
    if (path.startsWith('/examples/dine-target/')) {
      const bytes = target.get(decodeURIComponent(path.slice('/examples/dine-target/'.length)));
      return bytes ? send(res, 200, bytes, TYPES['.png']) : send(res, 404, 'not found');
    }
    const file = path.startsWith('/wasm/') ? inside(wasmDir, path.slice('/wasm/'.length)) : inside(root, path === '/' ? 'index.html' : path.slice(1));
    if (!file) return send(res, 403, 'forbidden');
    try {
      send(res, 200, await readFile(file), TYPES[extname(file)] ?? 'application/octet-stream');
    } catch {
      send(res, 404, 'not found');
    }
  };
  const server = createServer((req, res) => void handle(req, res).catch((e: unknown) => send(res, 500, String(e))));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new ConfigError(`lacuna app: port ${port} on 127.0.0.1 is in use; choose another with --port (0 picks a free one)`, 'port', port) : e),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/`;
  return { url, close: () => new Promise((r) => server.close(() => r())) };
}

export const appCommand: Command = {
  name: 'app',
  summary: 'serve the browser app on 127.0.0.1 (medsynth, EPro-PnP, DINE, computed in the page)',
  usage: `lacuna app [--port P]

Serves a local web app on http://127.0.0.1:P/ (default port 8080; 0 picks a free one). In the
page: medsynth synthesis of a phantom slice by the committed small model (or your NIfTI volume
and model folder) with a slice slider and NIfTI download; the EPro-PnP pose distribution of a
symmetric box; DINE adaptation of a digits model to a folder of target images with a progress
bar, a live accuracy curve and the adapted model as a .zip. Everything is computed in the
browser; the server only serves files and listens on 127.0.0.1 only. Ctrl-C stops it.`,
  async run(argv) {
    const o = parseOptions('app', argv, { port: { type: 'string' } });
    if (o.help) return printUsage(this.usage);
    const port = Number(o.port ?? '8080');
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`lacuna app: --port must be an integer in 0..65535, got '${o.port}'`, 'port', o.port);
    const server = await serveApp(port);
    console.log(`lacuna app: serving ${server.url} (127.0.0.1 only; all computation runs in your browser). Ctrl-C stops it.`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await server.close();
    return 0;
  },
};
