import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { IOError } from '@lacuna/core';
import { decodeDataset, encodeDataset } from './dataset_file.js';
import { readDataset, writeDataset } from './dataset_files.js';
import { renderDataset } from './pose_dataset.js';

const dir = await mkdtemp(join(tmpdir(), 'epropnp-ds-'));
after(() => rm(dir, { recursive: true, force: true }));
const ds = renderDataset({ object: 'bunny', count: 5, seed: 3, views: 'upper', zoomIn: { shift: 0.1 } });

test('write then read gives the same data set (x3d to its quantisation step)', async () => {
  const path = join(dir, 'a.bin');
  await writeDataset(path, ds);
  const back = await readDataset(path);
  assert.equal(back.count, 5);
  assert.equal(back.cropSize, 64);
  assert.equal(back.seed, 3);
  assert.deepEqual(back.object, ds.object);
  assert.deepEqual(back.renderOptions, { views: 'upper', zoomIn: { shift: 0.1 } });
  assert.deepEqual(back.intrinsics, ds.intrinsics);
  assert.deepEqual(back.images, ds.images);
  assert.deepEqual(back.masks, ds.masks);
  assert.deepEqual(back.objectMasks, ds.objectMasks);
  assert.deepEqual(back.poses, ds.poses);
  assert.deepEqual(back.boxes, ds.boxes);
  assert.deepEqual(back.vertices, ds.vertices);
  // Quantised over ±halfExtent with 65535 steps: error at most half a step (plus float32 rounding).
  let worst = 0;
  for (let i = 0; i < ds.x3d.length; i++) worst = Math.max(worst, Math.abs(back.x3d[i]! - ds.x3d[i]!) / ds.object.halfExtent[i % 3]!);
  assert.ok(worst <= 1 / 65535 + 1e-6, `worst relative error ${worst}`);
  assert.ok(worst > 0, 'quantisation should be visible');
  // Header + 4096 px x (3 + 6 + 1) bytes per sample + poses/boxes + vertices.
  const size = (await readFile(path)).length;
  assert.ok(size > 5 * 4096 * 10 && size < 5 * 4096 * 10 + 40_000, `file size ${size}`);
});

test('truncated, corrupt and foreign files give errors naming the file', async () => {
  const bytes = encodeDataset(ds);
  const cases: [string, Uint8Array, RegExp][] = [
    ['short.bin', bytes.subarray(0, bytes.length - 100), /short\.bin: truncated: field 'vertices'/],
    ['header.bin', bytes.subarray(0, 40), /header\.bin: truncated header/],
    ['magic.bin', Uint8Array.from([...new TextEncoder().encode('PNGPNGPN'), ...bytes.subarray(8)]), /magic\.bin: not an EPro-PnP data set file/],
  ];
  const badMask = bytes.slice();
  // The masks blob follows images (N·S·S·3 bytes) and x3d (2× that): poke its first byte.
  const headerLength = new DataView(bytes.buffer).getUint32(8, true);
  const start = Math.ceil((12 + headerLength) / 8) * 8;
  badMask[start + 5 * 4096 * 9] = 7;
  cases.push(['mask.bin', badMask, /mask\.bin: field 'masks' fails its checksum/]);
  const flipped = bytes.slice();
  flipped[start + 1000] ^= 0x10; // one bit of one image pixel
  cases.push(['flipped.bin', flipped, /flipped\.bin: field 'images' fails its checksum .*the file is damaged/]);
  // A version 1 file has no checksums: the value checks still catch a bad mask.
  const v1 = badMask.slice();
  const headerText = new TextDecoder().decode(v1.subarray(12, 12 + headerLength));
  v1.set(new TextEncoder().encode(headerText.replace('"version":2', '"version":1')), 12);
  cases.push(['v1.bin', v1, /v1\.bin: masks: value 7/]);
  const badJson = bytes.slice();
  badJson[12] = 0x7b + 1; // '{' -> '|'
  cases.push(['json.bin', badJson, /json\.bin: corrupt header/]);
  for (const [name, b, pattern] of cases) {
    const path = join(dir, name);
    await writeFile(path, b);
    await assert.rejects(readDataset(path), (e: unknown) => e instanceof IOError && pattern.test((e as Error).message), name);
  }
  await assert.rejects(readDataset(join(dir, 'missing.bin')), /missing\.bin/);
  assert.throws(() => decodeDataset(bytes.subarray(0, 10), 'x.bin'), /x\.bin/);
});
