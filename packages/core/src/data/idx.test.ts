import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { IOError, ValueError } from '../errors.js';
import { decodeIdx, encodeIdx, type IdxArray } from './idx.js';
import { readIdx, writeIdx } from './files.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lacuna-idx-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const images: IdxArray = { dtype: 'uint8', shape: [2, 3, 4], data: Uint8Array.from({ length: 24 }, (_, i) => (i * 37) % 256) };

test('hand-made MNIST-style header decodes', () => {
  // magic 0x00000801 (uint8, 1 dim), 3 labels
  const bytes = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]);
  const a = decodeIdx(bytes);
  assert.equal(a.dtype, 'uint8');
  assert.deepEqual(a.shape, [3]);
  assert.deepEqual([...a.data], [7, 2, 1]);
  assert.deepEqual(encodeIdx(a), bytes);
  // int16 big-endian: 0x0102 = 258, 0xfffe = -2
  const s = decodeIdx(Uint8Array.from([0, 0, 0x0b, 1, 0, 0, 0, 2, 1, 2, 0xff, 0xfe]));
  assert.deepEqual([...s.data], [258, -2]);
});

test('every dtype round-trips through files, plain and gzipped', async () => {
  const arrays: IdxArray[] = [
    images,
    { dtype: 'int8', shape: [4], data: Int8Array.from([-128, -1, 0, 127]) },
    { dtype: 'int16', shape: [2, 2], data: Int16Array.from([-32768, -2, 258, 32767]) },
    { dtype: 'int32', shape: [3], data: Int32Array.from([-(2 ** 31), 1 << 20, 2 ** 31 - 1]) },
    { dtype: 'float32', shape: [1, 3], data: Float32Array.from([Math.PI, -0, 1e-30]) },
    { dtype: 'float64', shape: [2], data: Float64Array.from([Math.E, -1e300]) },
    { dtype: 'uint8', shape: [0, 28], data: new Uint8Array(0) },
  ];
  for (const a of arrays) {
    for (const name of [`${a.dtype}.idx`, `${a.dtype}.idx.gz`]) {
      const p = join(dir, name);
      await writeIdx(p, a);
      const raw = await readFile(p);
      assert.equal(raw[0] === 0x1f && raw[1] === 0x8b, name.endsWith('.gz'), `${name} compression`);
      const b = await readIdx(p);
      assert.equal(b.dtype, a.dtype);
      assert.deepEqual(b.shape, a.shape);
      assert.deepEqual(b.data, a.data, name);
    }
  }
  // gzip is detected by content, not by name.
  await writeIdx(join(dir, 'zipped.idx'), images, { gzip: true });
  assert.deepEqual((await readIdx(join(dir, 'zipped.idx'))).data, images.data);
  // No temporary files are left behind.
  assert.ok((await readdir(dir)).every((f) => !f.endsWith('.tmp')));
});

test('corrupt files give an IOError naming the file and the problem', async () => {
  const good = encodeIdx(images);
  const cases: [string, Uint8Array, RegExp][] = [
    ['truncated.idx', good.subarray(0, good.length - 5), /needs 24 payload bytes but the file has 19 \(truncated\)/],
    ['trailing.idx', Uint8Array.from([...good, 0]), /trailing bytes/],
    ['magic.idx', Uint8Array.from([1, 0, 8, 3, ...good.subarray(4)]), /bad magic 0x01 0x00 0x08 0x03/],
    ['dtype.idx', Uint8Array.from([0, 0, 0x0a, 3, ...good.subarray(4)]), /bad magic/],
    ['header.idx', good.subarray(0, 10), /truncated header: 3 dimensions need 16 bytes/],
    ['tiny.idx', Uint8Array.from([0, 0]), /too short/],
    ['cut.idx.gz', gzipSync(good).subarray(0, 20), /corrupt or truncated gzip/],
  ];
  const flipped = gzipSync(good);
  flipped[flipped.length - 6] ^= 0xff; // breaks the CRC
  cases.push(['crc.idx.gz', flipped, /corrupt or truncated gzip/]);
  for (const [name, bytes, why] of cases) {
    const p = join(dir, name);
    await writeFile(p, bytes);
    await assert.rejects(readIdx(p), (e: unknown) => {
      assert.ok(e instanceof IOError, name);
      assert.equal(e.path, p);
      assert.match(e.message, new RegExp(`^readIdx: ${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
      assert.match(e.message, why);
      return true;
    });
  }
  await assert.rejects(readIdx(join(dir, 'missing.idx')), /readIdx: cannot read .*missing\.idx/);
});

test('encodeIdx validates its input', async () => {
  assert.throws(() => encodeIdx({ dtype: 'uint8', shape: [5], data: new Uint8Array(4) }), ValueError);
  assert.throws(() => encodeIdx({ dtype: 'float32', shape: [4], data: new Uint8Array(4) }), /needs a Float32Array/);
  // Overwriting replaces the file whole.
  const p = join(dir, 'overwrite.idx');
  await writeIdx(p, images);
  await writeIdx(p, { dtype: 'int8', shape: [1], data: Int8Array.from([-5]) });
  assert.deepEqual([...(await readIdx(p)).data], [-5]);
  // Missing folders are created; a path through a file cannot be written.
  await writeIdx(join(dir, 'new', 'dir', 'made.idx'), images);
  await assert.rejects(writeIdx(join(p, 'under-a-file.idx'), images), (e: unknown) => e instanceof IOError && /^writeIdx: cannot write/.test(e.message));
});

test('CRC-32 matches the standard check value and node:zlib', async () => {
  const { crc32 } = await import('./crc32.js');
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  const zlib = await import('node:zlib');
  const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) & 0xff);
  if ('crc32' in zlib) assert.equal(crc32(bytes), (zlib as unknown as { crc32(b: Uint8Array): number }).crc32(bytes));
  assert.equal(crc32(bytes.subarray(500), crc32(bytes.subarray(0, 500))), crc32(bytes));
});
