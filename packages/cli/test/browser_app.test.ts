/**
 * `lacuna app` in a real browser: Debian's Chromium (headless, no GPU) driven by playwright-core.
 * The page must reach data-lacuna-ready on its built-in examples (a medsynth synthesis with a
 * PSNR above a floor, the symmetric box's two-peaked pose profile), and DINE adaptation run in
 * the page must raise the accuracy on the built-in target digits.
 * LACUNA_SCREENSHOTS=DIR also writes the README's screenshots there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { serveApp } from '../src/commands/app.js';

const CHROMIUM = process.env['LACUNA_CHROMIUM'] ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const shots = process.env['LACUNA_SCREENSHOTS'];

async function shot(page: Page, selector: string, name: string): Promise<void> {
  if (!shots) return;
  await page.locator(selector).screenshot({ path: join(shots, name) });
}

test('lacuna app in headless Chromium: built-in examples ready, then DINE adaptation in the page raises accuracy', { timeout: 300_000 }, async () => {
  assert.ok(CHROMIUM, "no Chromium: install Debian's 'chromium' package (.ci/run does) or set LACUNA_CHROMIUM");
  const server = await serveApp(0, { targetImages: 300 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1150, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.waitForSelector('body[data-lacuna-ready="true"], body[data-lacuna-error]', { timeout: 120_000 });
    const body = page.locator('body');
    assert.equal(await body.getAttribute('data-lacuna-error'), null, `page error: ${await body.getAttribute('data-lacuna-error')} ${errors.join('; ')}`);
    assert.equal(await body.getAttribute('data-lacuna-backend'), 'wasm');
    // The committed model's card gives PSNR 20.96 dB for sub-001 (whole head); the page scores in the head mask.
    const psnr = Number(await body.getAttribute('data-medsynth-psnr'));
    assert.ok(psnr > 18, `medsynth PSNR ${psnr} dB, expected above 18`);
    assert.equal(await body.getAttribute('data-epropnp-peaks'), '2');
    assert.equal(await body.getAttribute('data-epropnp-peaks-clean'), '1');
    await page.locator('#ms-slice').fill('20');
    await shot(page, '#ms-figures', 'app_medsynth.png');
    await shot(page, '#ep-figures', 'app_epropnp.png');

    await page.locator('#dn-steps').fill('200');
    await page.locator('#dn-run').click();
    await page.waitForSelector('body[data-dine-done="true"], body[data-lacuna-error]', { timeout: 150_000 });
    assert.equal(await body.getAttribute('data-lacuna-error'), null, `page error: ${await body.getAttribute('data-lacuna-error')}`);
    const curve = (await body.getAttribute('data-dine-accuracy'))!.split(',').map(Number);
    assert.ok(curve.length >= 3, `accuracy curve ${curve}`);
    assert.ok(curve[curve.length - 1]! > curve[0]! + 0.2, `accuracy ${curve[0]} -> ${curve[curve.length - 1]} should rise`);
    await shot(page, 'body', 'app_page.png');
    const download = page.waitForEvent('download');
    await page.locator('#dn-download').click();
    assert.equal((await download).suggestedFilename(), 'adapted-model.zip');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
