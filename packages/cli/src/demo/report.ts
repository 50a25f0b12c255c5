/** A small self-contained HTML report: sections of text, number tables, images and charts. */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A line (a loss curve) or bar chart drawn as inline SVG with labelled axes. */
export interface Chart {
  readonly label: string;
  readonly values: readonly number[];
  readonly kind?: 'line' | 'bar';
  readonly xLabel: string;
  readonly yLabel: string;
  /** x of values[0] and the x step between values (default 1 and 1: training steps). */
  readonly x0?: number;
  readonly dx?: number;
}

export interface ReportImage {
  readonly src: string;
  readonly caption: string;
  /** Labels of the image's equal-width columns, shown above it. */
  readonly columns?: readonly string[];
  /** Displayed width in CSS pixels (default: the column count × 160, at most 860). */
  readonly width?: number;
}

/** What every part of the demo is given: the report folder, the seed, a log line writer. */
export interface DemoPartOptions {
  readonly out: string;
  readonly seed: number;
  readonly log: (message: string) => void;
}

/** A demo part that trains for a number of steps. */
export interface TrainingDemoOptions extends DemoPartOptions {
  readonly steps: number;
}

export interface ReportSection {
  readonly title: string;
  readonly text?: string;
  readonly table?: { readonly header: readonly string[]; readonly rows: readonly (readonly (string | number)[])[] };
  /** Image files relative to the report directory, with captions. */
  readonly images?: readonly ReportImage[];
  readonly charts?: readonly Chart[];
}

const esc = (s: string | number) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** About five round tick values covering lo..hi. */
function ticks(lo: number, hi: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

const tickText = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(4))));

export function svgChart(c: Chart): string {
  const w = 560, h = 220, left = 64, right = 16, top = 24, bottom = 44;
  const x0 = c.x0 ?? 1, dx = c.dx ?? 1;
  const xs = c.values.map((_, i) => x0 + i * dx);
  const xLo = c.kind === 'bar' ? x0 : xs[0]!, xHi = c.kind === 'bar' ? x0 + c.values.length * dx : xs[xs.length - 1]!;
  const yLo = c.kind === 'bar' ? 0 : Math.min(...c.values), yHi = Math.max(...c.values);
  const X = (x: number) => left + ((w - left - right) * (x - xLo)) / Math.max(1e-12, xHi - xLo);
  const Y = (y: number) => h - bottom - ((h - top - bottom) * (y - yLo)) / Math.max(1e-12, yHi - yLo);
  const parts: string[] = [`<rect width="${w}" height="${h}" fill="#fafafa"/>`];
  for (const t of ticks(yLo, yHi)) {
    parts.push(`<line x1="${left}" x2="${w - right}" y1="${Y(t).toFixed(1)}" y2="${Y(t).toFixed(1)}" stroke="#e4e4e4"/>`);
    parts.push(`<text x="${left - 6}" y="${(Y(t) + 4).toFixed(1)}" font-size="11" text-anchor="end">${tickText(t)}</text>`);
  }
  for (const t of ticks(xLo, xHi)) {
    parts.push(`<line x1="${X(t).toFixed(1)}" x2="${X(t).toFixed(1)}" y1="${h - bottom}" y2="${h - bottom + 4}" stroke="#444"/>`);
    parts.push(`<text x="${X(t).toFixed(1)}" y="${h - bottom + 16}" font-size="11" text-anchor="middle">${tickText(t)}</text>`);
  }
  if (c.kind === 'bar') {
    const bw = Math.max(1, X(x0 + dx) - X(x0) - 1);
    c.values.forEach((v, i) => parts.push(`<rect x="${X(x0 + i * dx).toFixed(1)}" y="${Y(v).toFixed(1)}" width="${bw.toFixed(1)}" height="${(Y(0) - Y(v)).toFixed(1)}" fill="#2a6ebb"/>`));
  } else {
    const d = c.values.map((v, i) => `${i ? 'L' : 'M'}${X(xs[i]!).toFixed(1)},${Y(v).toFixed(1)}`).join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="#2a6ebb" stroke-width="1.5"/>`);
  }
  parts.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${h - bottom}" stroke="#444"/><line x1="${left}" x2="${w - right}" y1="${h - bottom}" y2="${h - bottom}" stroke="#444"/>`);
  parts.push(`<text x="${(left + w - right) / 2}" y="${h - 8}" font-size="12" text-anchor="middle">${esc(c.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${(top + h - bottom) / 2}) rotate(-90)" font-size="12" text-anchor="middle">${esc(c.yLabel)}</text>`);
  parts.push(`<text x="${left}" y="15" font-size="12">${esc(c.label)}</text>`);
  return `<svg width="${w}" height="${h}" role="img" aria-label="${esc(c.label)}">${parts.join('')}</svg>`;
}

function renderImage(im: ReportImage): string {
  const n = im.columns?.length ?? 1;
  const width = im.width ?? Math.min(860, 160 * n);
  const header = im.columns ? `<div class="cols" style="width:${width}px">${im.columns.map((c) => `<span>${esc(c)}</span>`).join('')}</div>` : '';
  return `<figure>${header}<img src="${esc(im.src)}" alt="${esc(im.caption)}" style="width:${width}px"><figcaption>${esc(im.caption)}</figcaption></figure>`;
}

function renderSection(s: ReportSection): string {
  const parts = [`<h2>${esc(s.title)}</h2>`];
  if (s.text) parts.push(`<p>${esc(s.text)}</p>`);
  if (s.table) {
    parts.push('<table><tr>' + s.table.header.map((h) => `<th>${esc(h)}</th>`).join('') + '</tr>' +
      s.table.rows.map((r) => '<tr>' + r.map((c) => `<td>${esc(c)}</td>`).join('') + '</tr>').join('') + '</table>');
  }
  for (const c of s.charts ?? []) parts.push(svgChart(c));
  for (const im of s.images ?? []) parts.push(renderImage(im));
  return `<section>${parts.join('\n')}</section>`;
}

/** Writes `dir/index.html` atomically. */
export async function writeReport(dir: string, title: string, sections: readonly ReportSection[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>
body{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}
img{image-rendering:pixelated;border:1px solid #ddd;display:block}figure{margin:1em 0}
.cols{display:flex;font-size:12px;text-align:center}.cols span{flex:1}
</style></head><body><h1>${esc(title)}</h1>${sections.map(renderSection).join('\n')}</body></html>`;
  const path = join(dir, 'index.html');
  await writeFile(`${path}.tmp`, html);
  await rename(`${path}.tmp`, path);
  return path;
}
