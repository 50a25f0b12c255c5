import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { IOError } from '../errors.js';
import { readImage } from './files.js';
import { decodeImage } from './image.js';
import { decodeJpeg } from './jpeg.js';
import { encodePng } from './png.js';

/** A smooth 16 x 12 colour gradient as RGBA bytes. */
function gradient(w: number, h: number, grey = false): Uint8Array {
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const p = (y * w + x) * 4;
    const v = Math.round((255 * x) / (w - 1));
    out[p] = v; out[p + 1] = grey ? v : Math.round((255 * y) / (h - 1)); out[p + 2] = grey ? v : 128; out[p + 3] = 255;
  }
  return out;
}

test('JPEG: colour and grey files decode to [H, W, 3] / [H, W, 1] close to what was encoded; PNG and JPEG told apart by content', async () => {
  const w = 16, h = 12;
  const rgba = gradient(w, h);
  const bytes = new Uint8Array(jpeg.encode({ width: w, height: h, data: rgba }, 100).data);
  const img = decodeJpeg(bytes, 'g.jpg');
  assert.deepEqual(img.shape, [h, w, 3]);
  let worst = 0;
  for (let p = 0; p < w * h; p++) for (let k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(img.raw[p * 3 + k]! - rgba[p * 4 + k]!));
  assert.ok(worst <= 6, `JPEG quality 100: max error ${worst} of 255`);
  const greyBytes = new Uint8Array(jpeg.encode({ width: w, height: h, data: gradient(w, h, true) }, 100).data);
  assert.equal(decodeImage(greyBytes, 'grey.jpg').shape[2], 1);
  const png = encodePng({ data: Float32Array.from({ length: w * h * 3 }, (_, i) => (i % 3) / 2), shape: [h, w, 3] });
  assert.deepEqual(decodeImage(png, 'x.png').shape, [h, w, 3]);
  assert.throws(() => decodeImage(Uint8Array.from([1, 2, 3, 4]), 'x.bin'), /x\.bin: neither PNG nor JPEG/);
  assert.throws(() => decodeJpeg(bytes.subarray(0, 40), 'cut.jpg'), (e: unknown) => e instanceof IOError && /cut\.jpg: corrupt or truncated JPEG/.test((e as Error).message));
  const dir = await mkdtemp(join(tmpdir(), 'lacuna-jpeg-'));
  try {
    // The name says .png, the content is JPEG: the content wins.
    await writeFile(join(dir, 'named.png'), bytes);
    assert.deepEqual((await readImage(join(dir, 'named.png'))).shape, [h, w, 3]);
    await assert.rejects(readImage(join(dir, 'none.jpg')), /readImage: cannot read/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
