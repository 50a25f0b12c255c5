/**
 * The black-box client in a real browser (Debian's Chromium): HttpBlackBox on fetch with its
 * cache in IndexedDB, so a reloaded page asks the server nothing it asked before.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { serveBlackBox, type BlackBoxPredictor } from '@lacuna/dine';

const CHROMIUM = process.env['LACUNA_CHROMIUM'] ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const root = fileURLToPath(new URL('../../../', import.meta.url));

test('HttpBlackBox in Chromium: answers from the server once, then from IndexedDB after a reload', { timeout: 120_000 }, async () => {
  assert.ok(CHROMIUM, "no Chromium: install Debian's 'chromium' package (.ci/run does) or set LACUNA_CHROMIUM");
  // The browser build of @lacuna/dine, as an app would bundle it.
  const bundle = await build({
    stdin: { contents: "import { HttpBlackBox } from '@lacuna/dine'; (globalThis as any).HttpBlackBox = HttpBlackBox;", resolveDir: root, loader: 'ts' },
    bundle: true, platform: 'browser', format: 'iife', write: false, logLevel: 'silent',
  });
  let imagesServed = 0;
  const model: BlackBoxPredictor = {
    name: 'fake', numClasses: 3,
    predict: async (b) => {
      imagesServed += b.count;
      return Float32Array.from({ length: b.count * 3 }, (_, i) => (i % 3 === 0 ? 0.5 : 0.25));
    },
  };
  const server = await serveBlackBox(model, { height: 2, width: 2 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    const ask = async () => {
      // Same origin as the black box: its /info page.
      await page.goto(`${server.url}/info`);
      await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
      return page.evaluate(async (url) => {
        const Box = (globalThis as unknown as { HttpBlackBox: { connect(u: string, o: object): Promise<{ predict(b: object): Promise<Float32Array>; requests: number }> } }).HttpBlackBox;
        const box = await Box.connect(url, { cacheName: 'browser-test' });
        const probs = await box.predict({ count: 2, height: 2, width: 2, pixels: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) });
        return { probs: Array.from(probs), requests: box.requests };
      }, server.url);
    };
    const first = await ask();
    assert.deepEqual(first.probs, [0.5, 0.25, 0.25, 0.5, 0.25, 0.25]);
    assert.equal(imagesServed, 2);
    const second = await ask(); // a reload: the answers come from IndexedDB
    assert.deepEqual(second.probs, first.probs);
    assert.equal(imagesServed, 2, 'nothing asked again');
    assert.equal(second.requests, 0, 'no predict request (the /info probe is counted apart)');
  } finally {
    await browser.close();
    await server.close();
  }
});
