/**
 * Real prediction APIs: TensorFlow Serving and KServe v2 request formats against local servers
 * speaking them, https against a local self-signed server, an API key that is sent and never
 * written down, Retry-After, and top-k / label-only answers (hand-computed memories).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImageBatch } from '../data/digit_set.js';
import { completeAnswers, parseAnswerKind, truncateAnswers } from './answers.js';
import { HttpBlackBox, retryAfterMs } from './http_black_box.js';
import type { BlackBoxPredictor } from './predictor.js';
import { serveBlackBox } from './serve.js';

const K = 4;
/** A deterministic "model": class probabilities from an image's mean brightness. */
function fakeProbs(mean: number): number[] {
  const raw = Array.from({ length: K }, (_, k) => Math.exp(-((mean * (K - 1) - k) ** 2)));
  const s = raw.reduce((a, b) => a + b, 0);
  return raw.map((v) => v / s);
}
const images: ImageBatch = { count: 3, height: 2, width: 2, pixels: Uint8Array.from([0, 0, 0, 0, 255, 255, 255, 255, 0, 255, 0, 255]) };
const means = [0, 1, 0.5];

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    let s = '';
    req.on('data', (c) => (s += c));
    req.on('end', () => resolve(s ? JSON.parse(s) : null));
  });
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createHttpServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

test('partial answers: top-k keeps its probabilities and spreads the rest evenly; a label is one-hot (hand-computed)', () => {
  const rows = completeAnswers([{ classes: [3, 1], probabilities: [0.6, 0.3] }, { classes: [2] }], K, 'api');
  assert.deepEqual(Array.from(rows.subarray(0, 4), (v) => Number(v.toFixed(6))), [0.05, 0.3, 0.05, 0.6]);
  assert.deepEqual(Array.from(rows.subarray(4)), [0, 0, 1, 0]);
  assert.throws(() => completeAnswers([{ classes: [4] }], K, 'api'), /api: image 0: class 4 is outside 0\.\.3/);
  assert.throws(() => completeAnswers([{ classes: [1, 1], probabilities: [0.2, 0.2] }], K, 'api'), /class 1 is returned twice/);
  assert.throws(() => completeAnswers([{ classes: [0, 1], probabilities: [0.8, 0.7] }], K, 'api'), /sum to 1\.5000 \(> 1\)/);
  const probs = Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.4, 0.3, 0.2, 0.1]);
  assert.deepEqual(truncateAnswers(probs, K, parseAnswerKind('top-k:2')).map((a) => a.classes), [[3, 2], [0, 1]]);
  assert.deepEqual(truncateAnswers(probs, K, parseAnswerKind('label')), [{ classes: [3] }, { classes: [0] }]);
  assert.throws(() => parseAnswerKind('top-k:0'), /expected full, top-k:K \(K >= 1\) or label/);
  assert.equal(retryAfterMs('2'), 2000);
  assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 7_000), 3000);
  assert.equal(retryAfterMs('soon'), null);
});

test('TensorFlow Serving and KServe v2 formats against local servers; headers and the API key from the environment, never in the cache', async () => {
  const seen: { path: string; auth?: string; gateway?: string; body: unknown }[] = [];
  const server = await listen(async (req, res) => {
    const body = await readBody(req);
    seen.push({ path: req.url!, auth: req.headers.authorization, gateway: req.headers['x-gateway'] as string, body });
    if (req.headers.authorization !== 'Bearer tok-123') return json(res, 401, { error: 'no key' });
    if (req.url === '/v1/models/digits:predict') {
      const inst = (body as { instances: number[][][][] }).instances;
      return json(res, 200, { predictions: inst.map((img) => fakeProbs(img.flat(2).reduce((a, b) => a + b, 0) / 4)) });
    }
    if (req.url === '/v2/models/digits/infer') {
      const input = (body as { inputs: { shape: number[]; data: number[] }[] }).inputs[0]!;
      const n = input.shape[0]!;
      const data = Array.from({ length: n }, (_, i) => fakeProbs(input.data.slice(i * 4, i * 4 + 4).reduce((a, b) => a + b, 0) / 4)).flat();
      return json(res, 200, { model_name: 'digits', outputs: [{ name: 'probabilities', shape: [n, K], datatype: 'FP32', data }] });
    }
    json(res, 404, { error: 'no such path' });
  });
  const dir = mkdtempSync(join(tmpdir(), 'lacuna-api-'));
  const before = process.env['LACUNA_BLACK_BOX_TOKEN'];
  process.env['LACUNA_BLACK_BOX_TOKEN'] = 'tok-123';
  const warnings: string[] = [];
  try {
    for (const format of ['tf-serving', 'kserve'] as const) {
      const box = await HttpBlackBox.connect(server.url, { format, model: 'digits', numClasses: K, height: 2, width: 2, headers: { 'X-Gateway': 'g1' }, cacheDir: join(dir, format), warn: (m) => warnings.push(m) });
      const probs = await box.predict(images);
      means.forEach((m, i) => fakeProbs(m).forEach((p, k) => assert.ok(Math.abs(probs[i * K + k]! - p) < 1e-6, `${format} image ${i} class ${k}`)));
      assert.deepEqual(box.answerKind, { kind: 'full' });
      assert.ok(!readFileSync(join(dir, format, 'predictions.json'), 'utf8').includes('tok-123'), 'the key is not in the cache');
    }
    assert.deepEqual(seen.map((s) => s.path), ['/v1/models/digits:predict', '/v2/models/digits/infer']);
    assert.ok(seen.every((s) => s.auth === 'Bearer tok-123' && s.gateway === 'g1'));
    const tfs = seen[0]!.body as { instances: number[][][][] };
    assert.deepEqual(tfs.instances[1], [[[1], [1]], [[1], [1]]], 'TF Serving instances are [H][W][1] floats in [0, 1]');
    assert.deepEqual((seen[1]!.body as { inputs: { shape: number[]; datatype: string }[] }).inputs[0]!.shape, [3, 2, 2, 1]);
    // Without the key: a 401, not retried, and the message does not carry a key.
    delete process.env['LACUNA_BLACK_BOX_TOKEN'];
    const nokey = await HttpBlackBox.connect(server.url, { format: 'kserve', model: 'digits', numClasses: K, height: 2, width: 2 });
    await assert.rejects(nokey.predict(images), (e: unknown) => /HTTP 401/.test((e as Error).message) && !(e as Error).message.includes('tok-123'));
    assert.equal(nokey.requests, 1);
    await assert.rejects(HttpBlackBox.connect(server.url.replace('http://', 'http://user:pw@'), {}), /not in the URL/);
    await assert.rejects(HttpBlackBox.connect(server.url, { format: 'kserve', model: 'digits' }), /needs numClasses, height and width/);
    assert.ok(!warnings.join(' ').includes('tok-123'));
  } finally {
    if (before === undefined) delete process.env['LACUNA_BLACK_BOX_TOKEN'];
    else process.env['LACUNA_BLACK_BOX_TOKEN'] = before;
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Retry-After is honoured on 429, then the answer is used', async () => {
  let calls = 0;
  const server = await listen(async (req, res) => {
    await readBody(req);
    if (req.url === '/info') return json(res, 200, { name: 'x', numClasses: K, height: 2, width: 2 });
    calls++;
    if (calls === 1) return json(res, 429, { error: 'slow down' }, { 'retry-after': '0.05' });
    json(res, 200, { probabilities: means.map(fakeProbs) });
  });
  try {
    const box = await HttpBlackBox.connect(server.url, { backoffMs: 1 });
    const probs = await box.predict(images);
    assert.equal(calls, 2);
    assert.ok(Math.abs(probs[K]! - fakeProbs(1)[0]!) < 1e-6);
  } finally {
    await server.close();
  }
});

test('top-k and label-only answers from lacuna dine serve --answer, completed as the memory uses them', async () => {
  const model: BlackBoxPredictor = { name: 'fake', numClasses: K, predict: async (b) => Float32Array.from(Array.from({ length: b.count }, (_, i) => fakeProbs(means[i]!)).flat()) };
  for (const spec of ['top-k:2', 'label']) {
    const server = await serveBlackBox(model, { height: 2, width: 2, answer: parseAnswerKind(spec) });
    try {
      const box = await HttpBlackBox.connect(server.url);
      assert.equal(box.info.answer, spec);
      const rows = await box.predict(images);
      const want = completeAnswers(truncateAnswers(Float32Array.from(means.flatMap(fakeProbs)), K, parseAnswerKind(spec)), K, 'want');
      assert.deepEqual(Array.from(rows), Array.from(want));
      assert.deepEqual(box.answerKind, parseAnswerKind(spec));
    } finally {
      await server.close();
    }
  }
});

test('https with a self-signed certificate: trusted through NODE_EXTRA_CA_CERTS, refused without it', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lacuna-https-'));
  try {
    const key = join(dir, 'key.pem'), cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, async (req, res) => {
      await readBody(req);
      if (req.url === '/info') return json(res, 200, { name: 'tls', numClasses: K, height: 2, width: 2 });
      json(res, 200, { probabilities: means.map(fakeProbs) });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The client runs in a child process: Node reads extra CAs at start-up.
    const script = join(dir, 'client.mts');
    const client = fileURLToPath(new URL('./http_black_box.ts', import.meta.url));
    writeFileSync(script, `import { HttpBlackBox } from ${JSON.stringify(client)};
const box = await HttpBlackBox.connect(${JSON.stringify(url)}, { retries: 0 });
const p = await box.predict({ count: 3, height: 2, width: 2, pixels: Uint8Array.from(${JSON.stringify(Array.from(images.pixels))}) });
console.log(JSON.stringify(Array.from(p)));\n`);
    const run = (env: Record<string, string>) => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      // spawnSync would block this process's event loop, and with it the https server.
      const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script], { env: { ...process.env, ...env }, cwd: fileURLToPath(new URL('../../../../', import.meta.url)) });
      let stdout = '', stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    const ok = await run({ NODE_EXTRA_CA_CERTS: cert });
    assert.equal(ok.status, 0, ok.stderr);
    const probs = JSON.parse(ok.stdout) as number[];
    assert.ok(Math.abs(probs[0]! - fakeProbs(0)[0]!) < 1e-6);
    const refused = await run({});
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /black box https:\/\/127\.0\.0\.1:\d+\/info: failed after 1 attempts \(last: fetch failed: (SELF_SIGNED_CERT|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY)/);
    await new Promise<void>((r) => server.close(() => r()));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serve --cors: the allowed origin in answers and a preflight for JSON posts with a key', async () => {
  const model: BlackBoxPredictor = { name: 'fake', numClasses: K, predict: async (b) => new Float32Array(b.count * K).fill(0.25) };
  const server = await serveBlackBox(model, { height: 2, width: 2, cors: 'http://127.0.0.1:8080' });
  const plain = await serveBlackBox(model, { height: 2, width: 2 });
  try {
    const info = await fetch(`${server.url}/info`);
    assert.equal(info.headers.get('access-control-allow-origin'), 'http://127.0.0.1:8080');
    const pre = await fetch(`${server.url}/predict`, { method: 'OPTIONS' });
    assert.equal(pre.status, 204);
    assert.match(pre.headers.get('access-control-allow-headers') ?? '', /authorization/);
    assert.equal((await fetch(`${plain.url}/info`)).headers.get('access-control-allow-origin'), null, 'no CORS unless asked');
  } finally {
    await server.close();
    await plain.close();
  }
});
