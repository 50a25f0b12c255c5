import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { IOError, ShapeError, ValueError } from '../errors.js';
import { decodeNifti, encodeNifti, type NiftiDatatype } from './nifti.js';
import { readNifti, writeNifti } from './files.js';
import { assertSameGrid } from './nifti_grid.js';
import { Random } from './random.js';
import { centredAffine, type Volume } from './volume.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lacuna-nifti-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const DIMS: [number, number, number] = [5, 4, 3];
const SPACING: [number, number, number] = [0.9, 1.1, 2.5];

function volume(values: (i: number) => number, affine: number[] = centredAffine(DIMS, SPACING)): Volume {
  return { data: Float32Array.from({ length: 60 }, (_, i) => values(i)), dims: DIMS, spacing: SPACING, affine };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Rotation by `angle` about the unit axis `u` (Rodrigues), times diag(spacing), plus offset. */
function obliqueAffine(u: [number, number, number], angle: number, spacing: readonly number[], offset: number[]): number[] {
  const [x, y, z] = u;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const r = [
    [c + x * x * (1 - c), x * y * (1 - c) - z * s, x * z * (1 - c) + y * s],
    [y * x * (1 - c) + z * s, c + y * y * (1 - c), y * z * (1 - c) - x * s],
    [z * x * (1 - c) - y * s, z * y * (1 - c) + x * s, c + z * z * (1 - c)],
  ];
  const out: number[] = [];
  for (let i = 0; i < 3; i++) out.push(r[i]![0]! * spacing[0]!, r[i]![1]! * spacing[1]!, r[i]![2]! * spacing[2]!, offset[i]!);
  return [...out, 0, 0, 0, 1];
}

/** Sets sform_code to 0 in uncompressed NIfTI bytes, so readers fall back to the qform. */
function withoutSform(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setInt16(254, 0, true);
  return copy;
}

test('every datatype round-trips; float32 and integer-valued data exactly', () => {
  const rng = new Random(7);
  const floats = volume(() => rng.normal() * 1000);
  for (const datatype of ['float32', 'float64'] as const) {
    const back = decodeNifti(encodeNifti(floats, { datatype }));
    assert.equal(back.datatype, datatype);
    assert.deepEqual(back.data, floats.data, datatype);
    assert.equal(back.sclSlope, 1);
  }
  const ranges: Record<string, [number, number]> = {
    uint8: [0, 255], int8: [-128, 127], int16: [-32768, 32767], uint16: [0, 65535],
    int32: [-(2 ** 31), 2 ** 31 - 1], uint32: [0, 2 ** 32 - 1],
  };
  for (const [datatype, [lo, hi]] of Object.entries(ranges)) {
    // integers spanning the type's range (float32 holds these exactly only up to 2^24, so stay there)
    const top = Math.min(hi, 2 ** 24);
    const bottom = Math.max(lo, -(2 ** 24));
    const ints = volume((i) => (i === 0 ? bottom : i === 1 ? top : bottom + ((i * 7919) % (top - bottom + 1))));
    const bytes = encodeNifti(ints, { datatype: datatype as NiftiDatatype });
    const back = decodeNifti(bytes);
    assert.equal(back.datatype, datatype);
    assert.deepEqual(back.data, ints.data, datatype);
    assert.deepEqual([back.sclSlope, back.sclInter], [1, 0], `${datatype}: integer data need no scaling`);
    const bytesPerVoxel = { uint8: 1, int8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4 }[datatype]!;
    assert.equal(bytes.length, 352 + 60 * bytesPerVoxel);
  }
});

test('integer types store float data with automatic slope/intercept covering the range', () => {
  const rng = new Random(3);
  const floats = volume(() => 40 + 60 * rng.uniform()); // [40, 100)
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of floats.data) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  for (const [datatype, levels] of [['int16', 65535], ['uint8', 255]] as const) {
    const back = decodeNifti(encodeNifti(floats, { datatype }));
    const step = (hi - lo) / levels;
    assert.ok(Math.abs(back.sclSlope - step) < 1e-6 * step, `${datatype} slope ${back.sclSlope} vs ${step}`);
    // the quantisation error is at most half a step (plus float32 rounding of the result)
    assert.ok(maxAbsDiff(back.data, floats.data) <= step / 2 + 1e-5 * hi, `${datatype} error ${maxAbsDiff(back.data, floats.data)} step ${step}`);
    assert.ok(Math.abs(Math.min(...back.data) - lo) <= step / 2 + 1e-5 * hi);
    assert.ok(Math.abs(Math.max(...back.data) - hi) <= step / 2 + 1e-5 * hi);
  }
  // constant non-integer data: stored as 0 with the value in scl_inter, read back exactly
  const constant = decodeNifti(encodeNifti(volume(() => 0.375), { datatype: 'int16' }));
  assert.ok(constant.data.every((v) => v === 0.375));
});

test('int16 with explicit slope/intercept: stored = round((v - inter) / slope), clamped', () => {
  // values on the lattice -10 + 0.5 k read back exactly; the last two clamp to the int16 range
  const values = volume((i) => (i === 58 ? 1e6 : i === 59 ? -1e6 : -10 + 0.5 * (i * 37 - 900)));
  const bytes = encodeNifti(values, { datatype: 'int16', sclSlope: 0.5, sclInter: -10 });
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  assert.equal(view.getFloat32(112, true), 0.5);
  assert.equal(view.getFloat32(116, true), -10);
  assert.equal(view.getInt16(352, true), -900); // voxel 0: (-10 + 0.5·(-900) + 10) / 0.5
  const back = decodeNifti(bytes);
  assert.deepEqual([back.sclSlope, back.sclInter], [0.5, -10]);
  assert.deepEqual(back.data.subarray(0, 58), values.data.subarray(0, 58));
  assert.equal(back.data[58], 32767 * 0.5 - 10);
  assert.equal(back.data[59], -32768 * 0.5 - 10);
});

test('.nii and .nii.gz files round-trip; gzip is chosen by the name and detected by magic bytes', async () => {
  const vol = volume((i) => Math.sin(i) * 100);
  for (const name of ['a.nii', 'a.nii.gz']) {
    const p = join(dir, name);
    await writeNifti(p, vol, { description: 'lacuna test' });
    const raw = await readFile(p);
    assert.equal(raw[0] === 0x1f && raw[1] === 0x8b, name.endsWith('.gz'), name);
    const img = await readNifti(p);
    assert.equal(img.path, p);
    assert.deepEqual(img.data, vol.data);
    assert.deepEqual(img.dims, DIMS);
    assert.ok(maxAbsDiff(img.spacing, SPACING) < 1e-6);
    assert.ok(maxAbsDiff(img.affine, vol.affine) < 1e-6);
    assert.equal(img.description, 'lacuna test');
    assert.deepEqual([img.qformCode, img.sformCode], [2, 2]);
  }
  // a gzipped file named .nii still reads (magic bytes, not the name)
  await writeFile(join(dir, 'gz-named.nii'), gzipSync(encodeNifti(vol)));
  assert.deepEqual((await readNifti(join(dir, 'gz-named.nii'))).data, vol.data);
  assert.ok((await readdir(dir)).every((f) => !f.endsWith('.tmp')));
});

test('header fields written as the standard says', () => {
  const vol = volume((i) => i - 10);
  const b = encodeNifti(vol, { datatype: 'int16', xformCode: 1 });
  const v = new DataView(b.buffer, b.byteOffset);
  assert.equal(v.getInt32(0, true), 348);
  assert.deepEqual([0, 1, 2, 3].map((i) => v.getInt16(40 + 2 * i, true)), [3, 5, 4, 3]);
  assert.deepEqual([v.getInt16(70, true), v.getInt16(72, true)], [4, 16]);
  assert.equal(v.getFloat32(108, true), 352);
  assert.equal(b[123], 2); // mm
  assert.deepEqual([v.getFloat32(128, true), v.getFloat32(124, true)], [-10, 49]); // cal_min, cal_max
  assert.deepEqual([v.getInt16(252, true), v.getInt16(254, true)], [1, 1]);
  assert.equal(new TextDecoder().decode(b.subarray(344, 348)), 'n+1\0');
  assert.deepEqual([1, 2, 3].map((i) => v.getFloat32(76 + 4 * i, true)), SPACING.map(Math.fround));
});

test('oblique and flipped affines survive both the sform and the quaternion qform', () => {
  const s = Math.sqrt(1 / 14);
  const oblique = obliqueAffine([s, 2 * s, 3 * s], 0.4, SPACING, [-80.5, 12.25, 33]);
  // flip x of an oblique matrix: determinant < 0, so the qform needs qfac = -1
  const flipped = oblique.map((x, i) => (i % 4 === 0 && i < 12 ? -x : x));
  // a 180° rotation about x (quaternion a = 0) with a flipped z
  const halfTurn = [0.9, 0, 0, 1, 0, -1.1, 0, 2, 0, 0, 2.5, 3, 0, 0, 0, 1];
  for (const [label, affine, qfac] of [['oblique', oblique, 1], ['flipped', flipped, -1], ['half turn', halfTurn, -1]] as const) {
    const bytes = encodeNifti(volume((i) => i, [...affine]));
    assert.equal(new DataView(bytes.buffer).getFloat32(76, true), qfac, `${label} pixdim[0]`);
    const fromSform = decodeNifti(bytes);
    assert.ok(maxAbsDiff(fromSform.affine, affine) < 1e-5, `${label} sform ${maxAbsDiff(fromSform.affine, affine)}`);
    const fromQform = decodeNifti(withoutSform(bytes));
    assert.equal(fromQform.sformCode, 0);
    assert.ok(maxAbsDiff(fromQform.affine, affine) < 1e-5, `${label} qform ${maxAbsDiff(fromQform.affine, affine)}`);
  }
});

/** A NIfTI-1 header written field by field (qform only unless told), then int16 data. */
function handHeader(opts: { littleEndian: boolean; qfac: number; quatern: [number, number, number]; qformCode?: number; slope?: number; inter?: number }): Uint8Array {
  const le = opts.littleEndian;
  const out = new Uint8Array(352 + 2 * 6);
  const v = new DataView(out.buffer);
  v.setInt32(0, 348, le);
  [3, 3, 2, 1, 1, 1, 1, 1].forEach((d, i) => v.setInt16(40 + 2 * i, d, le));
  v.setInt16(70, 4, le); // int16
  v.setInt16(72, 16, le);
  [opts.qfac, 2, 3, 4].forEach((p, i) => v.setFloat32(76 + 4 * i, p, le));
  v.setFloat32(108, 352, le);
  v.setFloat32(112, opts.slope ?? 0, le);
  v.setFloat32(116, opts.inter ?? 0, le);
  v.setInt16(252, opts.qformCode ?? 1, le);
  opts.quatern.forEach((q, i) => v.setFloat32(256 + 4 * i, q, le));
  [10, 20, 30].forEach((o, i) => v.setFloat32(268 + 4 * i, o, le));
  out.set([0x6e, 0x2b, 0x31, 0], 344);
  [-3, -2, -1, 0, 1, 300].forEach((x, i) => v.setInt16(352 + 2 * i, x, le));
  return out;
}

test('hand-built qform-only headers give the closed-form affine (both byte orders)', () => {
  // quaternion (a, b, c, d) = (cos 45°, 0, 0, sin 45°): 90° about z, R = [[0,-1,0],[1,0,0],[0,0,1]];
  // affine = R · diag(2, 3, qfac·4) + offset (10, 20, 30)
  const h = Math.SQRT1_2;
  for (const littleEndian of [true, false]) {
    const img = decodeNifti(handHeader({ littleEndian, qfac: -1, quatern: [0, 0, h] }), 'hand.nii');
    const expected = [0, -3, 0, 10, 2, 0, 0, 20, 0, 0, -4, 30, 0, 0, 0, 1];
    assert.ok(maxAbsDiff(img.affine, expected) < 1e-6, `littleEndian=${littleEndian}: ${img.affine}`);
    assert.deepEqual(img.dims, [3, 2, 1]);
    assert.deepEqual(img.spacing, [2, 3, 4]);
    assert.deepEqual([...img.data], [-3, -2, -1, 0, 1, 300]); // slope 0: no scaling
    assert.deepEqual([img.qformCode, img.sformCode], [1, 0]);
  }
  // 180° about x: (a, b, c, d) = (0, 1, 0, 0), R = diag(1, -1, -1)
  const half = decodeNifti(handHeader({ littleEndian: true, qfac: 1, quatern: [1, 0, 0] }));
  assert.ok(maxAbsDiff(half.affine, [2, 0, 0, 10, 0, -3, 0, 20, 0, 0, -4, 30, 0, 0, 0, 1]) < 1e-6, `${half.affine}`);
  // (a, b, c, d) = (0.5, 0.5, 0.5, 0.5): 120° about (1,1,1), R = [[0,0,1],[1,0,0],[0,1,0]]
  const cyc = decodeNifti(handHeader({ littleEndian: true, qfac: 1, quatern: [0.5, 0.5, 0.5] }));
  assert.ok(maxAbsDiff(cyc.affine, [0, 0, 4, 10, 2, 0, 0, 20, 0, 3, 0, 30, 0, 0, 0, 1]) < 1e-6, `${cyc.affine}`);
  // no qform or sform: method 1, diag(pixdim) without offset
  const plain = decodeNifti(handHeader({ littleEndian: true, qfac: 1, quatern: [0, 0, h], qformCode: 0 }));
  assert.deepEqual(plain.affine, [2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 4, 0, 0, 0, 0, 1]);
  // slope 2, intercept 1 applies to every voxel
  const scaled = decodeNifti(handHeader({ littleEndian: false, qfac: 1, quatern: [0, 0, 0], slope: 2, inter: 1 }));
  assert.deepEqual([...scaled.data], [-5, -3, -1, 1, 3, 601]);
});

/**
 * A hand-built NIfTI-2 file (540-byte header, int64 dims, double fields) of a 3x2x2 int16 volume
 * 0..11, scaled by 0.5 + 1, with an sform that flips x and shifts; as the standard lays it out.
 */
function nifti2Bytes(littleEndian: boolean): Uint8Array {
  const b = new Uint8Array(544 + 12 * 2);
  const v = new DataView(b.buffer);
  v.setInt32(0, 540, littleEndian);
  b.set([0x6e, 0x2b, 0x32, 0, 0x0d, 0x0a, 0x1a, 0x0a], 4); // 'n+2\0\r\n\032\n'
  v.setInt16(12, 4, littleEndian); // int16
  v.setInt16(14, 16, littleEndian);
  [3, 3, 2, 2, 1, 1, 1, 1].forEach((d, i) => v.setBigInt64(16 + 8 * i, BigInt(d), littleEndian));
  [1, 2, 3, 4, 1, 1, 1, 1].forEach((p, i) => v.setFloat64(104 + 8 * i, p, littleEndian));
  v.setBigInt64(168, 544n, littleEndian); // vox_offset
  v.setFloat64(176, 0.5, littleEndian); // scl_slope
  v.setFloat64(184, 1, littleEndian); // scl_inter
  b.set(new TextEncoder().encode('nifti-2 by hand'), 240);
  v.setInt32(344, 0, littleEndian); // qform_code
  v.setInt32(348, 2, littleEndian); // sform_code
  [-2, 0, 0, 10, 0, 3, 0, -20, 0, 0, 4, 30].forEach((x, i) => v.setFloat64(400 + 8 * i, x, littleEndian));
  for (let i = 0; i < 12; i++) v.setInt16(544 + 2 * i, i, littleEndian);
  return b;
}

test('NIfTI-2 files (both byte orders, gzipped too) read like NIfTI-1: dims, scaling, sform, description', () => {
  for (const le of [true, false]) {
    for (const bytes of [nifti2Bytes(le), new Uint8Array(gzipSync(nifti2Bytes(le)))]) {
      const img = decodeNifti(bytes, 'n2.nii');
      assert.deepEqual(img.dims, [3, 2, 2]);
      assert.deepEqual([...img.data], Array.from({ length: 12 }, (_, i) => i * 0.5 + 1));
      assert.deepEqual([...img.affine], [-2, 0, 0, 10, 0, 3, 0, -20, 0, 0, 4, 30, 0, 0, 0, 1]);
      assert.deepEqual([...img.spacing], [2, 3, 4]);
      assert.equal(img.description, 'nifti-2 by hand');
      assert.equal(img.datatype, 'int16');
    }
  }
});

test('broken files give IOErrors naming the file and what is wrong', async () => {
  const good = encodeNifti(volume((i) => i), { datatype: 'int16' }); // 352 + 120 bytes
  const cases: [string, Uint8Array, RegExp][] = [
    ['truncated.nii', good.subarray(0, 400), /truncated: dims 5x4x3 of int16 need 120 data bytes after vox_offset 352, but the file has 48/],
    ['short.nii', good.subarray(0, 100), /100 bytes, too short for a NIfTI-1 header/],
    ['short2.nii', nifti2Bytes(true).subarray(0, 300), /300 bytes, too short for a NIfTI-2 header \(540 bytes\)/],
    ['truncated.nii.gz', gzipSync(good).subarray(0, 60), /corrupt or truncated gzip/],
    ['magic.nii', patch(good, (b) => b.set([0x6e, 0x2b, 0x32, 0], 344)), /bad magic 'n\+2\\x00'/],
    ['pair.hdr', patch(good, (b) => b.set([0x6e, 0x69, 0x31, 0], 344)), /\.hdr\/\.img pair/],
    ['nifti2.nii', patch(nifti2Bytes(true), (b) => b.set([0x78, 0x78, 0x78, 0], 4)), /bad magic 'xxx\\x00' at byte 4 \(expected 'n\+2'\)/],
    ['pair2.hdr', patch(nifti2Bytes(true), (b) => b.set([0x6e, 0x69, 0x32, 0], 4)), /\.hdr\/\.img pair \(magic 'ni2'\)/],
    ['sizeof.nii', patch(good, (b) => new DataView(b.buffer).setInt32(0, 1234, true)), /sizeof_hdr is 1234, expected 348 \(NIfTI-1\) or 540 \(NIfTI-2\)/],
    ['rgb.nii', patch(good, (b) => new DataView(b.buffer).setInt16(70, 128, true)), /unsupported datatype code 128 \(rgb24\)/],
    ['series.nii', patch(good, (b) => [4, 5, 4, 3, 2].forEach((d, i) => new DataView(b.buffer).setInt16(40 + 2 * i, d, true))), /has 2 volumes/],
  ];
  for (const [name, bytes, pattern] of cases) {
    const p = join(dir, name);
    await writeFile(p, bytes);
    await assert.rejects(readNifti(p), (e: unknown) => {
      assert.ok(e instanceof IOError, `${name}: ${e}`);
      assert.equal(e.path, p);
      assert.ok(e.message.includes(p), e.message);
      assert.match(e.message, pattern);
      return true;
    });
  }
  await assert.rejects(readNifti(join(dir, 'missing.nii')), (e: unknown) => e instanceof IOError && /missing\.nii/.test(e.message));
  // a 4-D file holding one volume is fine
  const oneVolume = patch(good, (b) => [4, 5, 4, 3, 1].forEach((d, i) => new DataView(b.buffer).setInt16(40 + 2 * i, d, true)));
  assert.deepEqual(decodeNifti(oneVolume).dims, DIMS);
  assert.throws(() => decodeNifti(good.subarray(0, 400)), (e: unknown) => e instanceof IOError && e.message.includes('(buffer)'));
});

function patch(bytes: Uint8Array, edit: (b: Uint8Array) => void): Uint8Array {
  const copy = bytes.slice();
  edit(copy);
  return copy;
}

test('encodeNifti rejects volumes it cannot write faithfully', () => {
  const vol = volume((i) => i);
  assert.throws(() => encodeNifti({ ...vol, spacing: [1, 1, 1] }), (e: unknown) => e instanceof ValueError && /spacing\[0\] = 1 but affine column 0 has length 0\.9/.test(e.message));
  assert.throws(() => encodeNifti({ ...vol, data: new Float32Array(59) }), /dims 5x4x3 hold 60 voxels but data has 59/);
  const withNaN = volume((i) => (i === 7 ? NaN : i));
  assert.throws(() => encodeNifti(withNaN, { datatype: 'int16' }), /voxel 7 is NaN/);
  assert.ok(Number.isNaN(decodeNifti(encodeNifti(withNaN)).data[7])); // float32 keeps NaN
});

test('assertSameGrid names both files, their dims and spacing, and affine differences', () => {
  const a = volume(() => 0);
  assertSameGrid(a, 'a.nii', { ...a, affine: a.affine.map((x) => x + 1e-5) }, 'b.nii');
  const other = { ...a, dims: [5, 4, 4] as [number, number, number], data: new Float32Array(80), affine: centredAffine([5, 4, 4], SPACING) };
  assert.throws(
    () => assertSameGrid(a, 'pred.nii.gz', other, 'ref.nii.gz'),
    (e: unknown) => {
      assert.ok(e instanceof ShapeError);
      assert.match(e.message, /pred\.nii\.gz has dims 5x4x3, spacing 0\.9x1\.1x2\.5 mm; ref\.nii\.gz has dims 5x4x4, spacing 0\.9x1\.1x2\.5 mm/);
      assert.match(e.message, /affines differ by up to 1\.25 mm/); // centres differ by half a 2.5 mm slice
      return true;
    },
  );
  const moved = { ...a, affine: a.affine.map((x, i) => (i === 3 ? x + 5 : x)) };
  assert.throws(() => assertSameGrid(a, 'a.nii', moved, 'b.nii'), /grid mismatch \(affines\): a\.nii .* b\.nii .*differ by up to 5 mm/);
  const finer = { ...a, spacing: [0.9, 1.1, 2.4] as [number, number, number] };
  assert.throws(() => assertSameGrid(a, 'a.nii', finer, 'b.nii'), /voxel sizes.*spacing 0\.9x1\.1x2\.4 mm/);
});

const CHRIS = '/work/shared/data/mri/chris/chris_PD.nii.gz';
test('reads the chris_PD sample (skipped when absent)', { skip: !existsSync(CHRIS) && 'sample data not present' }, async () => {
  const img = await readNifti(CHRIS);
  assert.deepEqual(img.dims, [191, 256, 54]);
  assert.ok(maxAbsDiff(img.spacing, [0.8579, 0.8594, 2.4]) < 1e-3, `${img.spacing}`);
  assert.equal(img.datatype, 'uint8');
  assert.deepEqual([img.qformCode, img.sformCode], [2, 2]);
  // its qform and sform describe the same oblique grid
  const fromQform = decodeNifti(withoutSform(gunzipSync(await readFile(CHRIS))));
  assert.ok(maxAbsDiff(fromQform.affine, img.affine) < 1e-4, `${maxAbsDiff(fromQform.affine, img.affine)}`);
  // and a write/read cycle keeps data and affine
  const back = decodeNifti(encodeNifti(img, { datatype: 'uint8' }));
  assert.deepEqual(back.data, img.data);
  assert.ok(maxAbsDiff(back.affine, img.affine) < 1e-6);
});
