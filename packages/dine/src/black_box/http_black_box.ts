/**
 * A black box behind an HTTP endpoint (http_protocol.ts), on `fetch` (Node 20 and browsers alike): each request has a
 * timeout; a request that times out, fails to connect or gets a 5xx/429 answer is retried
 * after an exponential back-off (backoffMs·2^attempt); queries go out in batches; and an
 * on-disk cache (a predictions file keyed by each image's sha1) means each distinct image is
 * sent once, across calls and across runs. Answers are validated (validate_probabilities.ts)
 * before they are cached. A 4xx answer or a malformed body is not retried.
 */
import { IOError, ValueError } from '@lacuna/core';
import type { ImageBatch } from '../data/digit_set.js';
import { encodePredictRequest, type BlackBoxInfo } from './http_protocol.js';
import { imageKey } from './image_key.js';
import type { BlackBoxPredictor } from './predictor.js';
import type { PredictionStore } from './prediction_store.js';
import { validateProbabilities } from './validate_probabilities.js';

export interface HttpBlackBoxOptions {
  /** Per-request timeout. Default 30 s. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt. Default 3. */
  readonly retries?: number;
  /** First back-off delay, doubled on each retry. Default 200 ms. */
  readonly backoffMs?: number;
  /** Images per request. Default 256. */
  readonly batchSize?: number;
  /** Cache folder (holds predictions.json). Default: no cache. */
  readonly cacheDir?: string;
  /** Renormalisation warnings. Default console.warn. */
  readonly warn?: (message: string) => void;
}

/** An error worth retrying (timeouts, refused connections, 5xx, 429). */
class TransientError extends Error {}

interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

async function httpRequest(url: URL, method: 'GET' | 'POST', body: string | null, timeoutMs: number): Promise<HttpAnswer> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetch(url, { method, signal: controller.signal, ...(body ? { body, headers: { 'content-type': 'application/json' } } : {}) });
    return { status: res.status, body: await res.text() };
  } catch (e) {
    if (controller.signal.aborted) throw new TransientError(`no answer within ${timeoutMs} ms`);
    // fetch says "fetch failed"; the cause says why (ECONNREFUSED, a reset, a DNS failure).
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new TransientError(cause ? `${(e as Error).message}: ${cause.code ?? cause.message}` : (e as Error).message);
  } finally {
    clearTimeout(timer);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class HttpBlackBox implements BlackBoxPredictor {
  /** Requests sent after connecting (retries included; for tests and logs). */
  requests = 0;
  /** Images sent for prediction. */
  imagesQueried = 0;

  private constructor(
    private readonly base: URL,
    readonly info: BlackBoxInfo,
    private readonly options: HttpBlackBoxOptions,
    private readonly cache: PredictionStore | null,
  ) {}

  /** Asks the server's /info for the class count and input size, then opens the cache. */
  static async connect(url: string, options: HttpBlackBoxOptions = {}): Promise<HttpBlackBox> {
    let base: URL;
    try {
      base = new URL(url.endsWith('/') ? url : `${url}/`);
    } catch {
      throw new ValueError(`HttpBlackBox: '${url}' is not a URL`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new ValueError(`HttpBlackBox: only http:// and https:// URLs are supported, got '${url}'`);
    const probe = new HttpBlackBox(base, { name: url, numClasses: 0, height: 0, width: 0 }, options, null);
    const answer = await probe.send('GET', 'info', null);
    let info: BlackBoxInfo;
    try {
      info = JSON.parse(answer) as BlackBoxInfo;
    } catch {
      throw new IOError(`black box ${url}: /info did not answer JSON`, url);
    }
    if (!(Number.isInteger(info.numClasses) && info.numClasses > 0)) throw new IOError(`black box ${url}: /info gave numClasses ${info.numClasses}`, url);
    // The on-disk cache needs Node's file system: loaded only when asked for.
    const cache = options.cacheDir ? await (await import('./prediction_store.js')).PredictionStore.open(`${options.cacheDir.replace(/[\\/]+$/, '')}/predictions.json`, info.numClasses) : null;
    return new HttpBlackBox(base, info, options, cache);
  }

  get name(): string {
    return this.base.href.replace(/\/$/, '');
  }

  get numClasses(): number {
    return this.info.numClasses;
  }

  /** One request with retries and back-off; returns the body of a 200 answer. */
  private async send(method: 'GET' | 'POST', path: string, body: string | null): Promise<string> {
    const retries = this.options.retries ?? 3;
    const backoff = this.options.backoffMs ?? 200;
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const url = new URL(path, this.base);
    let last = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(backoff * 2 ** (attempt - 1));
      this.requests++;
      try {
        const answer = await httpRequest(url, method, body, timeoutMs);
        if (answer.status === 200) return answer.body;
        const message = `HTTP ${answer.status}: ${answer.body.slice(0, 200)}`;
        if (answer.status >= 500 || answer.status === 429) {
          last = message;
          continue;
        }
        throw new IOError(`black box ${url.href}: ${message}`, url.href);
      } catch (e) {
        if (!(e instanceof TransientError)) throw e;
        last = e.message;
      }
    }
    throw new IOError(`black box ${url.href}: failed after ${retries + 1} attempts (last: ${last})`, url.href);
  }

  /** Probabilities for images not in the cache, asked in batches; cached ones are reused. */
  async predict(images: ImageBatch): Promise<Float32Array> {
    if (images.height !== this.info.height || images.width !== this.info.width) {
      throw new ValueError(`black box ${this.name} takes ${this.info.height}x${this.info.width} images, got ${images.height}x${images.width}`);
    }
    const k = this.numClasses;
    const size = images.height * images.width;
    const keys = Array.from({ length: images.count }, (_, i) => imageKey(images, i));
    const known = new Map<string, Float32Array>();
    const missing: number[] = []; // first index of each distinct uncached image
    const pending = new Set<string>();
    for (let i = 0; i < images.count; i++) {
      const key = keys[i]!;
      const hit = this.cache?.get(key);
      if (hit) known.set(key, hit);
      else if (!pending.has(key)) {
        pending.add(key);
        missing.push(i);
      }
    }
    const batchSize = this.options.batchSize ?? 256;
    for (let start = 0; start < missing.length; start += batchSize) {
      const chunk = missing.slice(start, start + batchSize);
      const pixels = new Uint8Array(chunk.length * size);
      chunk.forEach((j, c) => pixels.set(images.pixels.subarray(j * size, (j + 1) * size), c * size));
      const body = await this.send('POST', 'predict', encodePredictRequest({ pixels, count: chunk.length, height: images.height, width: images.width }));
      this.imagesQueried += chunk.length;
      let rows: unknown;
      try {
        rows = (JSON.parse(body) as { probabilities?: unknown }).probabilities;
      } catch {
        throw new IOError(`black box ${this.name}: /predict did not answer JSON`, this.name);
      }
      if (!Array.isArray(rows)) throw new IOError(`black box ${this.name}: /predict answer has no 'probabilities' array`, this.name);
      const probs = validateProbabilities(rows, chunk.length, k, this.name, { warn: this.options.warn, items: chunk });
      chunk.forEach((j, c) => {
        const row = probs.subarray(c * k, (c + 1) * k);
        known.set(keys[j]!, row);
        this.cache?.set(keys[j]!, row);
      });
      await this.cache?.save(); // progress survives an interruption
    }
    const out = new Float32Array(images.count * k);
    for (let i = 0; i < images.count; i++) out.set(known.get(keys[i]!)!, i * k);
    return out;
  }
}
