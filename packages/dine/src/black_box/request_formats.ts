/**
 * The request formats a black-box client speaks, each a path, a request body and a reader of
 * the answer (full probabilities, top-k classes with probabilities, or labels):
 * - 'lacuna': `lacuna dine serve` (http_protocol.ts): POST predict, base64 uint8 pixels;
 *   answers { probabilities } | { topk: [{ classes, probabilities }] } | { labels }.
 * - 'tf-serving': TensorFlow Serving's REST API, POST v1/models/NAME:predict with
 *   { instances: [n][H][W][C] } floats; answers { predictions }: rows of K probabilities, rows
 *   of { classes, scores } (top k), or integer labels.
 * - 'kserve': KServe's v2 inference protocol, POST v2/models/NAME/infer with one FP32 input
 *   tensor [n, H, W, C]; answers { outputs }: one [n, K] probability tensor, an [n] integer
 *   label tensor, or two [n, k] tensors of classes and probabilities (top k).
 * Pixels go as floats in `inputRange` (default [0, 1]) for the serving formats.
 */
import { IOError, ValueError } from '@lacuna/core';
import type { ImageBatch } from '../data/digit_set.js';
import type { PartialAnswer } from './answers.js';
import { encodePredictRequest } from './http_protocol.js';

export type RequestFormat = 'lacuna' | 'tf-serving' | 'kserve';
export const REQUEST_FORMATS: readonly RequestFormat[] = ['lacuna', 'tf-serving', 'kserve'];

/** The pixel values a serving model expects: [0, 1] (default), [0, 255] or [-1, 1]. */
export type InputRange = '0-1' | '0-255' | '-1-1';

export interface FormatOptions {
  /** The served model's name (tf-serving, kserve). */
  readonly model?: string;
  readonly inputRange?: InputRange;
}

export interface RequestCodec {
  /** Path of the predict request, relative to the base URL. */
  readonly path: string;
  encode(images: ImageBatch): string;
  /** The answers of `n` images; `where` names the endpoint in errors. */
  decode(body: unknown, n: number, where: string): PartialAnswer[];
}

function floats(images: ImageBatch, range: InputRange): Float32Array {
  const out = new Float32Array(images.pixels.length);
  for (let i = 0; i < out.length; i++) {
    const v = images.pixels[i]!;
    out[i] = range === '0-255' ? v : range === '-1-1' ? v / 127.5 - 1 : v / 255;
  }
  return out;
}

const isNumberRow = (r: unknown): r is number[] => Array.isArray(r) && r.every((x) => typeof x === 'number');

/** Answers from rows that are probability vectors, {classes, scores|probabilities} objects, or labels. */
function answersFromRows(rows: unknown[], n: number, where: string): PartialAnswer[] {
  if (rows.length !== n) throw new IOError(`${where}: returned ${rows.length} rows for ${n} images`, where);
  return rows.map((r, i) => {
    if (typeof r === 'number') return { classes: [r] };
    if (isNumberRow(r) && r.length === 1 && Number.isInteger(r[0])) return { classes: [r[0]!] };
    // A row of class probabilities (validated later, so a NaN or a short row is reported by item).
    if (Array.isArray(r) && r.length > 1) return { classes: r.map((_, k) => k), probabilities: r as number[] };
    if (r && typeof r === 'object') {
      const o = r as { classes?: unknown; scores?: unknown; probabilities?: unknown };
      const probs = o.probabilities ?? o.scores;
      if (isNumberRow(o.classes) && (probs === undefined || isNumberRow(probs))) return { classes: o.classes, ...(probs ? { probabilities: probs } : {}) };
    }
    throw new IOError(`${where}: answer ${i} is neither probabilities, {classes, probabilities} nor a label: ${JSON.stringify(r).slice(0, 80)}`, where);
  });
}

export function requestCodec(format: RequestFormat, options: FormatOptions = {}): RequestCodec {
  const range = options.inputRange ?? '0-1';
  if (range !== '0-1' && range !== '0-255' && range !== '-1-1') throw new ValueError(`black box: inputRange must be 0-1, 0-255 or -1-1, got '${String(range)}'`);
  const model = () => {
    if (!options.model) throw new ValueError(`black box: the ${format} format needs the served model's name (--model-name)`);
    return encodeURIComponent(options.model);
  };
  switch (format) {
    case 'lacuna':
      return {
        path: 'predict',
        encode: encodePredictRequest,
        decode(body, n, where) {
          const b = (body ?? {}) as { probabilities?: unknown; topk?: unknown; labels?: unknown };
          const rows = b.probabilities ?? b.topk ?? b.labels;
          if (!Array.isArray(rows)) throw new IOError(`${where}: the answer has no 'probabilities', 'topk' or 'labels' array`, where);
          return answersFromRows(rows, n, where);
        },
      };
    case 'tf-serving': {
      const path = `v1/models/${model()}:predict`;
      return {
        path,
        encode(images) {
          const x = floats(images, range);
          const { count, height: H, width: W } = images;
          const C = images.channels ?? 1;
          const instances = Array.from({ length: count }, (_, i) => Array.from({ length: H }, (_, r) => Array.from({ length: W }, (_, c) => Array.from({ length: C }, (_, k) => x[((i * H + r) * W + c) * C + k]!))));
          return JSON.stringify({ instances });
        },
        decode(body, n, where) {
          const rows = (body as { predictions?: unknown } | null)?.predictions;
          if (!Array.isArray(rows)) throw new IOError(`${where}: the answer has no 'predictions' array`, where);
          return answersFromRows(rows, n, where);
        },
      };
    }
    case 'kserve': {
      const path = `v2/models/${model()}/infer`;
      return {
        path,
        encode(images) {
          const { count, height: H, width: W } = images;
          return JSON.stringify({ inputs: [{ name: 'input', shape: [count, H, W, images.channels ?? 1], datatype: 'FP32', data: Array.from(floats(images, range)) }] });
        },
        decode(body, n, where) {
          const outputs = (body as { outputs?: unknown } | null)?.outputs;
          if (!Array.isArray(outputs) || outputs.length === 0) throw new IOError(`${where}: the answer has no 'outputs'`, where);
          type Tensor = { name?: string; shape?: number[]; data?: unknown };
          const ts = outputs as Tensor[];
          for (const t of ts) {
            if (!Array.isArray(t.shape) || !isNumberRow(t.data) || t.data.length !== t.shape.reduce((a, b) => a * b, 1) || t.shape[0] !== n) {
              throw new IOError(`${where}: output '${t.name}' must be a tensor of ${n} rows with shape and data that agree`, where);
            }
          }
          const rowsOf = (t: Tensor) => {
            const k = t.shape!.length > 1 ? t.shape![1]! : 1;
            const d = t.data as number[];
            return Array.from({ length: n }, (_, i) => d.slice(i * k, (i + 1) * k));
          };
          if (ts.length === 1) {
            const t = ts[0]!;
            return t.shape!.length === 1 ? (t.data as number[]).map((c) => ({ classes: [c] })) : answersFromRows(rowsOf(t), n, where);
          }
          const named = (re: RegExp) => ts.find((t) => re.test(t.name ?? ''));
          const cls = named(/class|index|indices|label/i), prob = named(/prob|score/i);
          if (!cls || !prob) throw new IOError(`${where}: with several outputs, expected one named like 'classes' and one like 'probabilities'`, where);
          const c = rowsOf(cls), p = rowsOf(prob);
          return c.map((classes, i) => ({ classes, probabilities: p[i]! }));
        },
      };
    }
    default:
      throw new ValueError(`black box: unknown request format '${String(format)}' (${REQUEST_FORMATS.join(', ')})`);
  }
}
