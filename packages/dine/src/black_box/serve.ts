/**
 * Serves a black box over HTTP on 127.0.0.1 (http_protocol.ts) with node:http, so a client
 * can adapt against it without ever seeing the model. Port 0 picks a free port.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, ValueError } from '@lacuna/core';
import { describeAnswerKind, truncateAnswers, type AnswerKind } from './answers.js';
import { decodePredictRequest, type BlackBoxInfo } from './http_protocol.js';
import type { BlackBoxPredictor } from './predictor.js';

export interface ServeOptions {
  /** Default 0 (a free port). */
  readonly port?: number;
  /** Default '127.0.0.1'. */
  readonly host?: string;
  /** Input size the model takes. Default 28×28×1. */
  readonly height?: number;
  readonly width?: number;
  readonly channels?: number;
  /** Largest batch accepted in one request. Default 4096. */
  readonly maxBatch?: number;
  /** What to return per image: full probabilities (default), the top k, or the label (simulating such APIs). */
  readonly answer?: AnswerKind;
  /**
   * An origin allowed to query from a web page (CORS: `Access-Control-Allow-Origin`, and the
   * preflight of JSON posts with an Authorization header). Default: none (same origin only).
   */
  readonly cors?: string;
  /** Called once per answered request. */
  readonly onRequest?: (info: { path: string; status: number; count: number }) => void;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new Error(`body over ${MAX_BODY} bytes`));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, cors?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...(cors ? { 'access-control-allow-origin': cors, vary: 'Origin' } : {}) });
  res.end(text);
}

export async function serveBlackBox(box: BlackBoxPredictor, options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const kind = options.answer ?? { kind: 'full' };
  const info: BlackBoxInfo = { name: box.name, numClasses: box.numClasses, height: options.height ?? 28, width: options.width ?? 28, ...((options.channels ?? 1) !== 1 ? { channels: options.channels } : {}), answer: describeAnswerKind(kind) };
  const maxBatch = options.maxBatch ?? 4096;
  const server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    let count = 0;
    const answer = (status: number, body: unknown) => {
      send(res, status, body, options.cors);
      options.onRequest?.({ path, status, count });
    };
    try {
      if (req.method === 'OPTIONS' && options.cors) {
        res.writeHead(204, { 'access-control-allow-origin': options.cors, 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'content-type, authorization', 'access-control-max-age': '600', vary: 'Origin' });
        return res.end();
      }
      if (req.method === 'GET' && path === '/info') return answer(200, info);
      if (req.method !== 'POST' || path !== '/predict') return answer(404, { error: `no ${req.method} ${path}; use GET /info or POST /predict` });
      let images;
      try {
        images = decodePredictRequest(await readBody(req));
      } catch (e) {
        return answer(400, { error: (e as Error).message });
      }
      count = images.count;
      const dims = (h: number, w: number, c = 1) => (c === 1 ? `${h}x${w}` : `${h}x${w}x${c}`);
      if (images.height !== info.height || images.width !== info.width || (images.channels ?? 1) !== (info.channels ?? 1)) return answer(400, { error: `images must be ${dims(info.height, info.width, info.channels)}, got ${dims(images.height, images.width, images.channels)}` });
      if (images.count > maxBatch) return answer(413, { error: `at most ${maxBatch} images per request, got ${images.count}` });
      const probs = await box.predict(images);
      if (kind.kind === 'full') {
        const rows: number[][] = [];
        for (let i = 0; i < images.count; i++) rows.push(Array.from(probs.subarray(i * info.numClasses, (i + 1) * info.numClasses)));
        return answer(200, { probabilities: rows });
      }
      const partial = truncateAnswers(probs, info.numClasses, kind);
      return answer(200, kind.kind === 'label' ? { labels: partial.map((a) => a.classes[0]) } : { topk: partial });
    } catch (e) {
      return answer(500, { error: (e as Error).message });
    }
  });
  const wanted = options.port ?? 0;
  if (!(Number.isInteger(wanted) && wanted >= 0 && wanted <= 65535)) throw new ConfigError(`serveBlackBox: port must be an integer in 0..65535 (0: a free one), got ${wanted}`, 'port', wanted);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'EADDRINUSE' ? 'is in use by another program' : e.code === 'EACCES' ? 'needs privileges this user lacks' : `cannot be opened (${e.code ?? e.message})`;
      reject(new ConfigError(`serveBlackBox: port ${wanted} on ${host} ${why}; choose another port, or 0 for a free one`, 'port', wanted));
    });
    server.listen(wanted, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  if (!port) throw new ValueError('serveBlackBox: the server got no port');
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
