import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { IOError, ShapeError, ValueError } from '../errors.js';
import { decodePng, encodePng } from './png.js';
import { readPng, writePng } from './files.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lacuna-png-'));
  await tf.setBackend('cpu');
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** [H, W, C] test pattern with values exactly k / maxValue. */
function pattern(h: number, w: number, c: number, maxValue: number): Float32Array {
  const out = new Float32Array(h * w * c);
  for (let i = 0; i < out.length; i++) out[i] = ((i * 7919) % (maxValue + 1)) / maxValue;
  return out;
}

test('grey, grey+alpha, RGB and RGBA round-trip at 8 and 16 bits', async () => {
  for (const bitDepth of [8, 16] as const) {
    const maxValue = bitDepth === 16 ? 65535 : 255;
    for (const c of [1, 2, 3, 4]) {
      const shape: [number, number, number] = [5, 7, c];
      const data = pattern(5, 7, c, maxValue);
      const p = join(dir, `img-${bitDepth}-${c}.png`);
      await writePng(p, { data, shape }, { bitDepth });
      const img = await readPng(p);
      assert.deepEqual(img.shape, shape, p);
      assert.equal(img.bitDepth, bitDepth);
      assert.equal(img.maxValue, maxValue);
      assert.ok(bitDepth === 16 ? img.raw instanceof Uint16Array : img.raw instanceof Uint8Array);
      for (let i = 0; i < data.length; i++) {
        assert.equal(img.raw[i], Math.round(data[i]! * maxValue), `${p} raw[${i}]`);
        assert.ok(Math.abs(img.data[i]! - data[i]!) < 1e-6, `${p} data[${i}]`);
      }
    }
  }
  assert.ok((await readdir(dir)).every((f) => !f.endsWith('.tmp')));
});

test('written files hold the expected colour type and big-endian samples (checked by hand)', () => {
  const bytes = encodePng({ data: [0, 0.5, 1, 0.25, 0.75, 1 / 65535], shape: [1, 2, 3] }, { bitDepth: 16 });
  const { ihdr, scanlines } = parsePngByHand(bytes);
  assert.deepEqual([ihdr.width, ihdr.height, ihdr.depth, ihdr.colorType], [2, 1, 16, 2]);
  const row = unfilterFirstRow(scanlines, 12, 6);
  const samples = Array.from({ length: 6 }, (_, i) => (row[2 * i]! << 8) | row[2 * i + 1]!);
  assert.deepEqual(samples, [0, 32768, 65535, 16384, 49151, 1]);
  const grey = parsePngByHand(encodePng({ data: [0, 1], shape: [1, 2, 1] }));
  assert.deepEqual([grey.ihdr.depth, grey.ihdr.colorType], [8, 0]);
  const ga = parsePngByHand(encodePng({ data: [0, 1], shape: [1, 1, 2] }));
  assert.equal(ga.ihdr.colorType, 4);
  const rgba = parsePngByHand(encodePng({ data: [0, 1, 0, 1], shape: [1, 1, 4] }));
  assert.equal(rgba.ihdr.colorType, 6);
});

test('writing clips to [0, 1] or auto-scales min..max; tensors are accepted', async () => {
  const clipped = decodePng(encodePng({ data: [-1, 0.5, 2], shape: [1, 3, 1] }));
  assert.deepEqual([...clipped.raw], [0, 128, 255]);
  const scaled = decodePng(encodePng({ data: [10, 15, 20], shape: [1, 3, 1] }, { autoScale: true }));
  assert.deepEqual([...scaled.raw], [0, 128, 255]);
  const constant = decodePng(encodePng({ data: [3, 3], shape: [1, 2, 1] }, { autoScale: true }));
  assert.deepEqual([...constant.raw], [0, 0]);
  const t = tf.tensor3d([0, 1, 0.2, 0.4], [2, 2, 1]);
  await writePng(join(dir, 'tensor.png'), t);
  assert.deepEqual([...(await readPng(join(dir, 'tensor.png'))).raw], [0, 255, 51, 102]);
  t.dispose();
  assert.throws(() => encodePng({ data: [0, NaN], shape: [1, 2, 1] }), ValueError);
  assert.throws(() => encodePng({ data: [0, 1], shape: [1, 2, 5] }), ShapeError);
  assert.throws(() => encodePng({ data: [0, 1], shape: [2, 2, 1] }), /encodePng: shape \[2, 2, 1\] needs 4 values, got 2/);
});

test('hand-built palette, 1-bit grey and 16-bit grey files decode to [0, 1]', () => {
  // 1-bit grey, 3x1: row bits 1 0 1 -> 0b10100000
  const oneBit = decodePng(buildPng(3, 1, 1, 0, [[0, 0b10100000]]));
  assert.deepEqual(oneBit.shape, [1, 3, 1]);
  assert.deepEqual([...oneBit.raw], [1, 0, 1]);
  assert.deepEqual([...oneBit.data], [1, 0, 1]);
  assert.equal(oneBit.maxValue, 1);
  // 8-bit palette with 2 entries, the second semi-transparent (tRNS) -> RGBA
  const plte = Uint8Array.from([255, 0, 0, 0, 0, 255]);
  const trns = Uint8Array.from([255, 51]);
  const pal = decodePng(buildPng(2, 1, 8, 3, [[0, 0, 1]], [['PLTE', plte], ['tRNS', trns]]));
  assert.deepEqual(pal.shape, [1, 2, 4]);
  assert.deepEqual([...pal.raw], [255, 0, 0, 255, 0, 0, 255, 51]);
  assert.ok(Math.abs(pal.data[7]! - 0.2) < 1e-7);
  // Palette without transparency -> RGB
  assert.deepEqual(decodePng(buildPng(1, 1, 8, 3, [[0, 1]], [['PLTE', plte]])).shape, [1, 1, 3]);
  // 16-bit grey, 2x1: 0x0100 = 256, 0xffff
  const g16 = decodePng(buildPng(2, 1, 16, 0, [[0, 0x01, 0x00, 0xff, 0xff]]));
  assert.deepEqual([...g16.raw], [256, 65535]);
  assert.ok(g16.raw instanceof Uint16Array);
  assert.ok(Math.abs(g16.data[0]! - 256 / 65535) < 1e-7);
});

test('corrupt or truncated PNGs give an IOError naming the file', async () => {
  const good = encodePng({ data: pattern(16, 16, 3, 255), shape: [16, 16, 3] });
  const badCrc = Uint8Array.from(good);
  badCrc[40] ^= 0xff; // inside the IDAT data: CRC mismatch
  const cases: [string, Uint8Array][] = [
    ['truncated.png', good.subarray(0, Math.floor(good.length / 2))],
    ['header-only.png', good.subarray(0, 20)],
    ['signature.png', Uint8Array.from([0x00, ...good.subarray(1)])],
    ['crc.png', badCrc],
    ['empty.png', new Uint8Array(0)],
  ];
  for (const [name, bytes] of cases) {
    const p = join(dir, name);
    await writeFile(p, bytes);
    await assert.rejects(readPng(p), (e: unknown) => {
      assert.ok(e instanceof IOError, `${name}: ${String(e)}`);
      assert.equal(e.path, p);
      assert.ok(e.message.startsWith(`readPng: ${p}: corrupt or truncated PNG`), e.message);
      return true;
    });
  }
  await assert.rejects(readPng(join(dir, 'missing.png')), /^IOError: readPng: cannot read|readPng: cannot read/);
  assert.ok((await readFile(join(dir, 'crc.png'))).length > 0);
});

/** A minimal PNG encoder, independent of the decoder under test: one IDAT, scanlines given with their filter byte. */
function buildPng(
  width: number,
  height: number,
  depth: number,
  colorType: number,
  scanlines: number[][],
  extra: [string, Uint8Array][] = [],
): Uint8Array {
  const chunk = (type: string, data: Uint8Array): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = depth;
  ihdr[9] = colorType;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...extra.map(([t, d]) => chunk(t, d)),
    chunk('IDAT', deflateSync(Uint8Array.from(scanlines.flat()))),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** Reads IHDR and the inflated IDAT stream without the decoder under test. */
function parsePngByHand(bytes: Uint8Array): {
  ihdr: { width: number; height: number; depth: number; colorType: number };
  scanlines: Uint8Array;
} {
  const b = Buffer.from(bytes);
  let pos = 8;
  const idat: Buffer[] = [];
  let ihdr = { width: 0, height: 0, depth: 0, colorType: 0 };
  while (pos < b.length) {
    const len = b.readUInt32BE(pos);
    const type = b.toString('latin1', pos + 4, pos + 8);
    const data = b.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') ihdr = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), depth: data[8]!, colorType: data[9]! };
    if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  return { ihdr, scanlines: inflateSync(Buffer.concat(idat)) };
}

/** Undoes the PNG filter of the first scanline (the row above counts as zeros). */
function unfilterFirstRow(scanlines: Uint8Array, rowBytes: number, bpp: number): Uint8Array {
  const filter = scanlines[0]!;
  const out = Uint8Array.from(scanlines.subarray(1, 1 + rowBytes));
  for (let i = 0; i < rowBytes; i++) {
    const left = i >= bpp ? out[i - bpp]! : 0;
    // With a zero row above: Up adds 0, Average adds floor(left / 2), Sub and Paeth add left.
    const add = filter === 1 || filter === 4 ? left : filter === 3 ? left >> 1 : 0;
    out[i] = (out[i]! + add) & 0xff;
  }
  return out;
}

test('a header declaring 60000x60000 pixels is refused before anything is allocated', async () => {
  const good = encodePng({ data: pattern(4, 4, 1, 255), shape: [4, 4, 1] });
  const huge = Uint8Array.from(good);
  const view = new DataView(huge.buffer);
  view.setUint32(16, 60000);
  view.setUint32(20, 60000);
  view.setUint32(29, crc32(huge.subarray(12, 29))); // a valid IHDR CRC: only the size is hostile
  const p = join(dir, 'huge.png');
  await writeFile(p, huge);
  await assert.rejects(readPng(p), (e: unknown) => e instanceof IOError && e.path === p && /declares 60000x60000 pixels, more than the limit/.test(e.message));
});
