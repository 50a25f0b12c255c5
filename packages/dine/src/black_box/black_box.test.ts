import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IOError, ShapeError, ValueError } from '@lacuna/core';
import type { ImageBatch } from '../data/digit_set.js';
import type { BlackBoxPredictor } from './predictor.js';
import { HttpBlackBox } from './http_black_box.js';
import { serveBlackBox } from './serve.js';
import { FileBlackBox, writePredictionsFile } from './file_black_box.js';
import { validateProbabilities } from './validate_probabilities.js';
import { PREDICTIONS_FORMAT } from './prediction_store.js';

/** 2×2 images whose first pixel is the class: the black box answers 0.7 on it, 0.1 elsewhere (K = 4). */
function images(classes: number[]): ImageBatch {
  const pixels = new Uint8Array(classes.length * 4);
  classes.forEach((c, i) => pixels.set([c, i, 0, 0], i * 4));
  return { pixels, count: classes.length, height: 2, width: 2 };
}
const rowFor = (c: number) => [0, 1, 2, 3].map((k) => (k === c ? 0.7 : 0.1));

class FakeBox implements BlackBoxPredictor {
  readonly name = 'fake';
  readonly numClasses = 4;
  seen = 0;
  async predict(batch: ImageBatch): Promise<Float32Array> {
    this.seen += batch.count;
    const out = new Float32Array(batch.count * 4);
    for (let i = 0; i < batch.count; i++) out.set(rowFor(batch.pixels[i * 4]!), i * 4);
    return out;
  }
}

/** A raw node:http server with a handler per request number (0-based). */
async function rawServer(handler: (n: number, path: string, respond: (status: number, body: unknown) => void) => void): Promise<{ url: string; server: Server; hits: () => number }> {
  let n = 0;
  const server = createServer((req, res) => {
    const k = n++;
    req.resume();
    req.on('end', () =>
      handler(k, req.url ?? '', (status, body) => {
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, hits: () => n };
}
const INFO = { name: 'raw', numClasses: 4, height: 2, width: 2 };
const close = (s: Server) => new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r())));

test('validateProbabilities: errors name the item; small drift is renormalised with a warning', () => {
  assert.throws(() => validateProbabilities([[0.5, 0.5], [NaN, 1]], 2, 2, 'bb'), (e: Error) => e instanceof ValueError && /item 1: class 0 is NaN/.test(e.message));
  assert.throws(() => validateProbabilities([[0.5, 0.5], [null, 1]], 2, 2, 'bb'), /item 1: class 0 is NaN/);
  assert.throws(() => validateProbabilities([[0.5, 0.5, 0], [0.5, 0.5]], 2, 2, 'bb'), (e: Error) => e instanceof ShapeError && /item 0: row has 3 values, expected 2/.test(e.message));
  assert.throws(() => validateProbabilities([[0.5, 0.5]], 2, 2, 'bb'), /returned 1 rows for 2 images/);
  assert.throws(() => validateProbabilities([[1.2, -0.2]], 1, 2, 'bb'), /item 0: class 1 has negative probability -0.2/);
  assert.throws(() => validateProbabilities([[0.5, 0.5], [0.3, 0.3]], 2, 2, 'bb'), /item 1: probabilities sum to 0.6/);
  assert.throws(() => validateProbabilities([[0.3, 0.3]], 1, 2, 'bb', { items: [17] }), /item 17:/);
  const warnings: string[] = [];
  const out = validateProbabilities(Float32Array.from([0.5, 0.5002, 0.25, 0.75]), 2, 2, 'bb', { warn: (m) => warnings.push(m) });
  assert.ok(Math.abs(out[0]! - 0.5 / 1.0002) < 1e-7 && Math.abs(out[1]! - 0.5002 / 1.0002) < 1e-7);
  assert.deepEqual(Array.from(out.subarray(2)), [0.25, 0.75]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /renormalised 1 of 2 rows/);
});

test('HTTP black box: served model, batching, each image queried once, on-disk cache across clients', async () => {
  const box = new FakeBox();
  const server = await serveBlackBox(box, { height: 2, width: 2 });
  const cacheDir = await mkdtemp(join(tmpdir(), 'dine-cache-'));
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const client = await HttpBlackBox.connect(server.url, { batchSize: 2, cacheDir });
    assert.equal(client.numClasses, 4);
    const batch = images([0, 3, 1, 2, 3]); // pixel 1 differs, so all 5 images are distinct
    const dup: ImageBatch = { ...batch, pixels: Uint8Array.from([...batch.pixels, ...batch.pixels.subarray(0, 4)]), count: 6 }; // image 5 = image 0
    const p = await client.predict(dup);
    assert.deepEqual(Array.from(p.subarray(4, 8), (v) => Math.round(v * 10) / 10), rowFor(3));
    assert.deepEqual(Array.from(p.subarray(20, 24)), Array.from(p.subarray(0, 4)));
    assert.equal(client.imagesQueried, 5); // the duplicate is not sent
    assert.equal(client.requests, 3); // batches of 2, 2, 1 (after /info)
    assert.equal(box.seen, 5);
    // Asked again: everything comes from the cache.
    await client.predict(dup);
    assert.equal(client.imagesQueried, 5);
    // A new client with the same cache folder sends nothing either; the file holds 5 entries.
    const again = await HttpBlackBox.connect(server.url, { cacheDir });
    const p2 = await again.predict(batch);
    assert.equal(again.imagesQueried, 0);
    assert.deepEqual(Array.from(p2), Array.from(p.subarray(0, 20)));
    const file = JSON.parse(await readFile(join(cacheDir, 'predictions.json'), 'utf8'));
    assert.equal(file.format, PREDICTIONS_FORMAT);
    assert.equal(Object.keys(file.predictions).length, 5);
    // The cache file is also a precomputed-predictions black box.
    const fromFile = await FileBlackBox.open(join(cacheDir, 'predictions.json'));
    assert.deepEqual(Array.from(await fromFile.predict(batch)), Array.from(p2));
    await assert.rejects(fromFile.predict(images([9])), (e: Error) => e instanceof IOError && /item 0: this image .* has no stored prediction/.test(e.message));
  } finally {
    await server.close();
    await rm(cacheDir, { recursive: true, force: true });
  }
});

test('HTTP black box: a teacher that sleeps past the timeout is retried with back-off, then fails', async () => {
  const slow = await rawServer((_n, path, respond) => {
    if (path === '/info') return respond(200, INFO);
    setTimeout(() => respond(200, { probabilities: [rowFor(0)] }), 400);
  });
  try {
    const client = await HttpBlackBox.connect(slow.url, { timeoutMs: 80, retries: 2, backoffMs: 20 });
    const t0 = performance.now();
    await assert.rejects(client.predict(images([0])), (e: Error) => e instanceof IOError && /failed after 3 attempts .*no answer within 80 ms/.test(e.message));
    const ms = performance.now() - t0;
    assert.equal(slow.hits(), 1 + 3); // /info + 3 attempts
    assert.ok(ms >= 3 * 80 + 20 + 40 - 10, `took ${ms} ms: three timeouts and back-offs of 20 and 40 ms`);
  } finally {
    await close(slow.server);
  }
});

test('HTTP black box: a 500 then a good answer succeeds on retry; a 400 is not retried', async () => {
  const flaky = await rawServer((n, path, respond) => {
    if (path === '/info') return respond(200, INFO);
    if (n === 1) return respond(500, { error: 'busy' });
    respond(200, { probabilities: [rowFor(2)] });
  });
  const bad = await rawServer((_n, path, respond) => (path === '/info' ? respond(200, INFO) : respond(400, { error: 'no' })));
  try {
    const client = await HttpBlackBox.connect(flaky.url, { backoffMs: 1 });
    const p = await client.predict(images([2]));
    assert.ok(Math.abs(p[2]! - 0.7) < 1e-6);
    assert.equal(client.requests, 2); // the 500, then the answer
    const c2 = await HttpBlackBox.connect(bad.url, { backoffMs: 1 });
    await assert.rejects(c2.predict(images([0])), /HTTP 400/);
    assert.equal(bad.hits(), 2);
  } finally {
    await close(flaky.server);
    await close(bad.server);
  }
});

test('HTTP black box: bad rows (NaN, wrong length, not summing to 1) are errors naming the item', async () => {
  const cases: [unknown[][], RegExp][] = [
    [[rowFor(0), [NaN, 0.5, 0.25, 0.25]], /item 1: class 0 is NaN/], // JSON turns NaN into null
    [[rowFor(0), rowFor(1), [0.5, 0.5]], /item 2: row has 2 values, expected 4/],
    [[rowFor(0), [0.4, 0.1, 0.1, 0.1]], /item 1: probabilities sum to 0.7/],
    [[rowFor(0)], /returned 1 rows for 2 images/],
  ];
  for (const [rows, message] of cases) {
    const server = await rawServer((_n, path, respond) => (path === '/info' ? respond(200, INFO) : respond(200, { probabilities: rows.slice(0, rows.length) })));
    try {
      const client = await HttpBlackBox.connect(server.url);
      const count = rows.length === 1 ? 2 : rows.length;
      await assert.rejects(client.predict(images(Array.from({ length: count }, (_, i) => i % 4))), message);
    } finally {
      await close(server.server);
    }
  }
});

test('precomputed predictions file: written from a black box, read back by sha1 of each image', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dine-pred-'));
  try {
    const path = join(dir, 'p.json');
    const batch = images([1, 0, 3]);
    await writePredictionsFile(path, new FakeBox(), batch);
    const box = await FileBlackBox.open(path);
    assert.equal(box.numClasses, 4);
    const reordered: ImageBatch = { ...batch, pixels: Uint8Array.from([...batch.pixels.subarray(8, 12), ...batch.pixels.subarray(0, 4)]), count: 2 };
    assert.deepEqual(Array.from(await box.predict(reordered), (v) => Math.round(v * 10) / 10), [...rowFor(3), ...rowFor(1)]);
    await assert.rejects(FileBlackBox.open(join(dir, 'missing.json')), /cannot read/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('serve: malformed requests get 4xx answers with a message, and only 127.0.0.1 is bound', async () => {
  const server = await serveBlackBox(new FakeBox(), { height: 2, width: 2, maxBatch: 2 });
  const post = (path: string, body: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${server.url}${path}`, { method: 'POST' }, (res) => {
        let text = '';
        res.on('data', (c) => (text += String(c)));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:/);
    const notJson = await post('/predict', '{');
    assert.deepEqual([notJson.status, JSON.parse(notJson.body).error], [400, 'body is not JSON']);
    const short = await post('/predict', JSON.stringify({ count: 2, height: 2, width: 2, pixels: Buffer.from([1, 2, 3]).toString('base64') }));
    assert.equal(short.status, 400);
    assert.match(JSON.parse(short.body).error, /holds 3 bytes, 2x2x2 needs 8/);
    const size = await post('/predict', JSON.stringify({ count: 1, height: 3, width: 3, pixels: Buffer.alloc(9).toString('base64') }));
    assert.match(JSON.parse(size.body).error, /images must be 2x2, got 3x3/);
    const big = await post('/predict', JSON.stringify({ count: 3, height: 2, width: 2, pixels: Buffer.alloc(12).toString('base64') }));
    assert.equal(big.status, 413);
    assert.equal((await post('/nope', '{}')).status, 404);
  } finally {
    await server.close();
  }
});
