/** A small self-contained HTML report: sections of text, number tables, images and a curve. */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ReportSection {
  readonly title: string;
  readonly text?: string;
  readonly table?: { readonly header: readonly string[]; readonly rows: readonly (readonly (string | number)[])[] };
  /** Image files relative to the report directory, with captions. */
  readonly images?: readonly { readonly src: string; readonly caption: string }[];
  /** A loss curve drawn as inline SVG. */
  readonly curve?: { readonly label: string; readonly values: readonly number[] };
}

const esc = (s: string | number) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function svgCurve(values: readonly number[], label: string): string {
  const w = 480, h = 160, pad = 30;
  const lo = Math.min(...values), hi = Math.max(...values);
  const x = (i: number) => pad + ((w - 2 * pad) * i) / Math.max(1, values.length - 1);
  const y = (v: number) => h - pad - ((h - 2 * pad) * (v - lo)) / Math.max(1e-12, hi - lo);
  const d = values.map((v, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  return `<svg width="${w}" height="${h}" role="img" aria-label="${esc(label)}"><rect width="${w}" height="${h}" fill="#fafafa"/>` +
    `<path d="${d}" fill="none" stroke="#2a6ebb" stroke-width="1.5"/>` +
    `<text x="${pad}" y="14" font-size="12">${esc(label)}: ${values[0]!.toFixed(4)} → ${values[values.length - 1]!.toFixed(4)}</text></svg>`;
}

function renderSection(s: ReportSection): string {
  const parts = [`<h2>${esc(s.title)}</h2>`];
  if (s.text) parts.push(`<p>${esc(s.text)}</p>`);
  if (s.table) {
    parts.push('<table><tr>' + s.table.header.map((h) => `<th>${esc(h)}</th>`).join('') + '</tr>' +
      s.table.rows.map((r) => '<tr>' + r.map((c) => `<td>${esc(c)}</td>`).join('') + '</tr>').join('') + '</table>');
  }
  if (s.curve) parts.push(svgCurve(s.curve.values, s.curve.label));
  for (const im of s.images ?? []) parts.push(`<figure><img src="${esc(im.src)}" alt="${esc(im.caption)}"><figcaption>${esc(im.caption)}</figcaption></figure>`);
  return `<section>${parts.join('\n')}</section>`;
}

/** Writes `dir/index.html` atomically. */
export async function writeReport(dir: string, title: string, sections: readonly ReportSection[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>
body{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}
img{image-rendering:pixelated;width:100%;max-width:480px;border:1px solid #ddd}figure{margin:1em 0}
</style></head><body><h1>${esc(title)}</h1>${sections.map(renderSection).join('\n')}</body></html>`;
  const path = join(dir, 'index.html');
  await writeFile(`${path}.tmp`, html);
  await rename(`${path}.tmp`, path);
  return path;
}
