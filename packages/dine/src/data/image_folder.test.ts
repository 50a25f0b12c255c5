import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { data, initBackend } from '@lacuna/core';
import { ModelBlackBox } from '../black_box/model_black_box.js';
import { imageKey } from '../black_box/image_key.js';
import { digitsNet } from '../model/digits_net.js';
import { imageFolderSet } from './image_folder.js';
import { greyToRgb, mnistMStyle } from './mnist_m.js';
import { readImageFolder } from './read_image_folder.js';

await initBackend({ threads: 1 });

/** A w x h solid-colour image as PNG or JPEG bytes. */
function solid(w: number, h: number, rgb: [number, number, number], format: 'png' | 'jpg'): Uint8Array {
  if (format === 'png') return data.encodePng({ data: Float32Array.from({ length: w * h * 3 }, (_, i) => rgb[i % 3]! / 255), shape: [h, w, 3] });
  const rgba = new Uint8Array(w * h * 4);
  for (let p = 0; p < w * h; p++) rgba.set([...rgb, 255], p * 4);
  return new Uint8Array(jpeg.encode({ width: w, height: h, data: rgba }, 100).data);
}

test('image folders: class names of any text (sorted), PNG and JPEG, resized; a given mapping and unknown classes', () => {
  const files = [
    { path: 'zebra crossing/a.jpg', bytes: solid(40, 30, [200, 10, 10], 'jpg') },
    { path: 'Äpfel/b.png', bytes: solid(10, 10, [10, 200, 10], 'png') },
    { path: 'Äpfel/c.png', bytes: solid(16, 8, [10, 10, 200], 'png') },
    { path: 'notes.txt', bytes: new Uint8Array(3) },
  ];
  const set = imageFolderSet(files, { height: 8, width: 8, name: 'shop' });
  assert.deepEqual(set.classNames, ['zebra crossing', 'Äpfel'].sort());
  assert.equal(set.count, 3);
  assert.equal(set.channels, 3);
  // Sorted by path, code unit by code unit ('z' < 'Ä'): zebra crossing/a, Äpfel/b, Äpfel/c.
  const y = (name: string) => set.classNames!.indexOf(name);
  assert.deepEqual(Array.from(set.labels!), [y('zebra crossing'), y('Äpfel'), y('Äpfel')]);
  const px = (i: number) => Array.from(set.pixels.subarray(i * 192, i * 192 + 3));
  assert.deepEqual(px(2), [10, 10, 200]);
  assert.ok(px(0).every((v, k) => Math.abs(v - [200, 10, 10][k]!) <= 3), `JPEG pixel ${px(0)}`);
  const grey = imageFolderSet(files, { height: 8, width: 8, channels: 1 });
  assert.equal(grey.pixels[64], Math.round((10 + 200 + 10) / 3));
  const fixed = imageFolderSet(files.slice(0, 3), { classNames: ['zebra crossing', 'Äpfel', 'other'] });
  assert.deepEqual(Array.from(fixed.labels!), [0, 1, 1]);
  assert.throws(() => imageFolderSet(files.slice(0, 3), { classNames: ['Äpfel'], name: 'shop' }), /shop\/zebra crossing\/a\.jpg: class 'zebra crossing' is not one of the 1 classes/);
  assert.throws(() => imageFolderSet([...files, { path: 'top.png', bytes: solid(4, 4, [1, 2, 3], 'png') }], { name: 'mixed' }), /mixed: mixes images at the top with class folders/);
  assert.throws(() => imageFolderSet([{ path: 'a/x.png', bytes: Uint8Array.from([1, 2, 3]) }], { name: 'bad' }), /bad\/a\/x\.png: neither PNG nor JPEG/);
});

test('readImageFolder from disk; colour sets go through a colour network and its black box; keys tell channels apart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lacuna-folder-'));
  try {
    for (const [cls, rgb] of [['cat', [250, 200, 10]], ['dog', [10, 20, 240]]] as const) {
      mkdirSync(join(dir, cls));
      for (let i = 0; i < 3; i++) writeFileSync(join(dir, cls, `${i}.${i % 2 ? 'jpg' : 'png'}`), solid(20, 20, [...rgb] as [number, number, number], i % 2 ? 'jpg' : 'png'));
    }
    const set = await readImageFolder(dir);
    assert.deepEqual(set.classNames, ['cat', 'dog']);
    assert.equal(set.count, 6);
    const net = digitsNet({ arch: 'resnet8', numClasses: 2, channels: 3, seed: 1 });
    const probs = await new ModelBlackBox(net).predict(set);
    assert.equal(probs.length, 12);
    await assert.rejects(new ModelBlackBox(digitsNet({ seed: 1 })).predict(set), /takes 28x28x1 images, got 28x28x3/);
    const rgb = greyToRgb({ ...set, pixels: set.pixels.filter((_, i) => i % 3 === 0), channels: 1 });
    assert.notEqual(imageKey(rgb, 0), imageKey({ ...rgb, pixels: rgb.pixels.filter((_, i) => i % 3 === 0), channels: 1 }, 0));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the MNIST-M-style shift: the same seed gives the same images, another seed others; digits stay visible as differences', () => {
  const digits = { pixels: Uint8Array.from({ length: 2 * 28 * 28 }, (_, i) => ((i % 28) > 10 && (i % 28) < 18 ? 255 : 0)), count: 2, height: 28, width: 28, labels: Int32Array.from([1, 1]), name: 'bars' };
  const a = mnistMStyle(digits, { seed: 7 }), b = mnistMStyle(digits, { seed: 7 }), c = mnistMStyle(digits, { seed: 8 });
  assert.deepEqual(a.pixels, b.pixels);
  assert.notDeepEqual(a.pixels, c.pixels);
  assert.equal(a.channels, 3);
  // |bg - 1| on the stroke against |bg - 0| next to it: the stroke column differs from its neighbour.
  let diff = 0;
  for (let r = 0; r < 28; r++) for (let k = 0; k < 3; k++) diff += Math.abs(a.pixels[(r * 28 + 14) * 3 + k]! - a.pixels[(r * 28 + 5) * 3 + k]!);
  assert.ok(diff / (28 * 3) > 40, `mean stroke contrast ${diff / 84}`);
});
