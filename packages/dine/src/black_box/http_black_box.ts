/**
 * A black box behind an HTTP(S) endpoint, on `fetch` (Node 20 and browsers alike), speaking
 * Lacuna's protocol (http_protocol.ts), TensorFlow Serving's REST API or KServe's v2 protocol
 * (request_formats.ts). Each request has a timeout; a request that times out, fails to connect
 * or gets a 5xx/429 answer is retried after the server's Retry-After, else an exponential
 * back-off (backoffMs·2^attempt); queries go out in batches; and an on-disk cache (a
 * predictions file keyed by each image's sha1) means each distinct image is sent once, across
 * calls and across runs. Extra headers go with every request; an API key comes from
 * LACUNA_BLACK_BOX_TOKEN (or the `token` option) as `Authorization: Bearer`, and never reaches
 * messages, logs or the cache. Answers may be full probabilities, the top k, or labels
 * (answers.ts); they are validated before they are cached. A 4xx answer or a malformed body is
 * not retried.
 */
import { IOError, ValueError } from '@lacuna/core';
import { imageSize, type ImageBatch } from '../data/digit_set.js';
import { completeAnswers, type AnswerKind } from './answers.js';
import type { BlackBoxInfo } from './http_protocol.js';
import { imageKey } from './image_key.js';
import { requestCodec, type InputRange, type RequestCodec, type RequestFormat } from './request_formats.js';
import type { BlackBoxPredictor } from './predictor.js';
/** What the client needs of a cache (prediction_store.ts on disk, indexeddb_cache.ts in a browser). */
interface AnswerCache {
  get(key: string): Float32Array | undefined;
  set(key: string, row: Float32Array): void;
  save(): Promise<void>;
}
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
  /** Cache folder (holds predictions.json; Node). Default: no cache. */
  readonly cacheDir?: string;
  /** A named cache in IndexedDB (browsers). */
  readonly cacheName?: string;
  /** Renormalisation warnings. Default console.warn. */
  readonly warn?: (message: string) => void;
  /** The request format. Default 'lacuna'. */
  readonly format?: RequestFormat;
  /** The served model's name (tf-serving, kserve). */
  readonly model?: string;
  /** Pixel values the served model takes (tf-serving, kserve). Default '0-1'. */
  readonly inputRange?: InputRange;
  /** Class count and input size, for formats without Lacuna's /info (tf-serving, kserve). */
  readonly numClasses?: number;
  readonly height?: number;
  readonly width?: number;
  /** Input channels (tf-serving, kserve). Default 1. */
  readonly channels?: number;
  /** Extra request headers (e.g. an API gateway's). */
  readonly headers?: Readonly<Record<string, string>>;
  /** API key sent as `Authorization: Bearer`. Default: the LACUNA_BLACK_BOX_TOKEN environment variable. */
  readonly token?: string;
  /** Longest wait a Retry-After may ask for. Default 60 s. */
  readonly maxRetryAfterMs?: number;
}

/** The environment's API key, when there is one (Node; a page passes `token`). */
function tokenFromEnvironment(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.['LACUNA_BLACK_BOX_TOKEN'] || undefined;
}

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date), or null. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (value.trim() !== '' && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}

/** An error worth retrying (timeouts, refused connections, 5xx, 429). */
class TransientError extends Error {}

interface HttpAnswer {
  readonly status: number;
  readonly body: string;
  readonly retryAfter: string | null;
}

async function httpRequest(url: URL, method: 'GET' | 'POST', body: string | null, timeoutMs: number, headers: Record<string, string>): Promise<HttpAnswer> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetch(url, { method, signal: controller.signal, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body } : {}) });
    return { status: res.status, body: await res.text(), retryAfter: res.headers.get('retry-after') };
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

  /** What the box answered so far: full probabilities, the top k, or labels (null before the first answer). */
  answerKind: AnswerKind | null = null;
  private readonly codec: RequestCodec;
  private readonly headers: Record<string, string>;

  private constructor(
    private readonly base: URL,
    readonly info: BlackBoxInfo,
    private readonly options: HttpBlackBoxOptions,
    private readonly cache: AnswerCache | null,
  ) {
    this.codec = requestCodec(options.format ?? 'lacuna', { ...(options.model ? { model: options.model } : {}), ...(options.inputRange ? { inputRange: options.inputRange } : {}) });
    const token = options.token ?? tokenFromEnvironment();
    this.headers = { ...options.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) };
  }

  /** Asks the server's /info for the class count and input size, then opens the cache. */
  static async connect(url: string, options: HttpBlackBoxOptions = {}): Promise<HttpBlackBox> {
    let base: URL;
    try {
      base = new URL(url.endsWith('/') ? url : `${url}/`);
    } catch {
      throw new ValueError(`HttpBlackBox: '${url}' is not a URL`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new ValueError(`HttpBlackBox: only http:// and https:// URLs are supported, got '${url}'`);
    // Credentials in the URL would end up in messages and logs: use the token option instead.
    if (base.username || base.password) throw new ValueError('HttpBlackBox: put the API key in LACUNA_BLACK_BOX_TOKEN (or a header), not in the URL');
    const format = options.format ?? 'lacuna';
    let info: BlackBoxInfo;
    if (format === 'lacuna') {
      const probe = new HttpBlackBox(base, { name: url, numClasses: 0, height: 0, width: 0 }, options, null);
      const answer = await probe.send('GET', 'info', null);
      try {
        info = JSON.parse(answer) as BlackBoxInfo;
      } catch {
        throw new IOError(`black box ${url}: /info did not answer JSON`, url);
      }
    } else {
      // TF Serving and KServe describe models in their own metadata schemas: the caller says what the box takes.
      const { numClasses, height, width } = options;
      if (!numClasses || !height || !width) throw new ValueError(`HttpBlackBox: the ${format} format needs numClasses, height and width (--classes, --input-size)`);
      info = { name: url, numClasses, height, width, channels: options.channels ?? 1 };
    }
    if (!(Number.isInteger(info.numClasses) && info.numClasses > 0)) throw new IOError(`black box ${url}: /info gave numClasses ${info.numClasses}`, url);
    // The on-disk cache needs Node's file system, the named one IndexedDB: each loaded only when asked for.
    const cache: AnswerCache | null = options.cacheDir
      ? await (await import('./prediction_store.js')).PredictionStore.open(`${options.cacheDir.replace(/[\\/]+$/, '')}/predictions.json`, info.numClasses)
      : options.cacheName
        ? await (await import('./indexeddb_cache.js')).IndexedDbPredictionCache.open(options.cacheName, info.numClasses)
        : null;
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
    let wait = 0;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(wait || backoff * 2 ** (attempt - 1));
      wait = 0;
      this.requests++;
      try {
        const answer = await httpRequest(url, method, body, timeoutMs, this.headers);
        if (answer.status === 200) return answer.body;
        const message = `HTTP ${answer.status}: ${answer.body.slice(0, 200)}`;
        if (answer.status >= 500 || answer.status === 429) {
          last = message;
          // The server knows best how long to wait (429 and 503 say it in Retry-After).
          wait = Math.min(retryAfterMs(answer.retryAfter) ?? 0, this.options.maxRetryAfterMs ?? 60_000);
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

  isCached(images: ImageBatch, i: number): boolean {
    return this.cache?.get(imageKey(images, i)) !== undefined;
  }

  /** Probabilities for images not in the cache, asked in batches; cached ones are reused. */
  async predict(images: ImageBatch): Promise<Float32Array> {
    const channels = images.channels ?? 1;
    if (images.height !== this.info.height || images.width !== this.info.width || channels !== (this.info.channels ?? 1)) {
      throw new ValueError(`black box ${this.name} takes ${this.info.height}x${this.info.width}x${this.info.channels ?? 1} images, got ${images.height}x${images.width}x${channels}`);
    }
    const k = this.numClasses;
    const size = imageSize(images);
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
      const body = await this.send('POST', this.codec.path, this.codec.encode({ pixels, count: chunk.length, height: images.height, width: images.width, channels }));
      this.imagesQueried += chunk.length;
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        throw new IOError(`black box ${this.name}: ${this.codec.path} did not answer JSON`, this.name);
      }
      const answers = this.codec.decode(parsed, chunk.length, `black box ${this.name}`);
      const kind = answerKindOf(answers, k);
      if (this.answerKind && this.answerKind.kind !== kind.kind) throw new IOError(`black box ${this.name}: answered ${this.answerKind.kind} before and ${kind.kind} now`, this.name);
      this.answerKind ??= kind;
      // Full answers go through validateProbabilities (renormalising rounding with a warning); partial ones are completed.
      const probs = kind.kind === 'full'
        ? validateProbabilities(answers.map((a) => a.probabilities!), chunk.length, k, this.name, { warn: this.options.warn, items: chunk })
        : completeAnswers(answers, k, `black box ${this.name}`);
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

/** The kind of a batch of answers: all full rows, top-k with a fixed k, or labels. */
function answerKindOf(answers: readonly { classes: readonly number[]; probabilities?: readonly number[] }[], numClasses: number): AnswerKind {
  const first = answers[0]!;
  if (!first.probabilities) return { kind: 'label' };
  if (first.classes.length === numClasses && first.classes.every((c, i) => c === i)) return { kind: 'full' };
  return { kind: 'top-k', k: first.classes.length };
}
