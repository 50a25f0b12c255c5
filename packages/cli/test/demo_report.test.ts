import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { svgChart, writeReport } from '../src/demo/report.js';

test('charts have labelled axes with round ticks; images get their column labels', async () => {
  const svg = svgChart({ label: 'density', values: Array.from({ length: 72 }, (_, i) => Math.exp(-(((i - 36) / 4) ** 2))), kind: 'bar', x0: 0, dx: 5, xLabel: 'rotation (degrees)', yLabel: 'density' });
  for (const tick of ['0', '100', '200', '300']) assert.match(svg, new RegExp(`text-anchor="middle">${tick}</text>`), `x tick ${tick}`);
  for (const tick of ['0', '0.5', '1']) assert.match(svg, new RegExp(`text-anchor="end">${tick.replace('.', '\\.')}</text>`), `y tick ${tick}`);
  assert.match(svg, />rotation \(degrees\)</);
  assert.match(svg, /rotate\(-90\)" font-size="12" text-anchor="middle">density</);
  assert.equal((svg.match(/<rect x=/g) ?? []).length, 72, 'one bar per value');
  const line = svgChart({ label: 'loss', values: [1, 0.5, 0.25], xLabel: 'step', yLabel: 'L1 loss' });
  assert.match(line, /<path d="M[\d.]+,[\d.]+ L[\d.]+,[\d.]+ L/);
  const dir = mkdtempSync(join(tmpdir(), 'lacuna-report-'));
  try {
    await writeReport(dir, 'T', [{ title: 'S', images: [{ src: 'a.png', caption: 'c', columns: ['T1', 'synthetic T2'] }] }]);
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    assert.match(html, /<div class="cols" style="width:320px"><span>T1<\/span><span>synthetic T2<\/span><\/div><img src="a\.png"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
