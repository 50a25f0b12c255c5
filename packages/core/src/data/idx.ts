/**
 * IDX files (the MNIST format), plain or gzipped. Layout: two zero bytes, a dtype code
 * (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64), the number
 * of dimensions, each dimension as a big-endian uint32, then the values row-major and
 * big-endian. Gzip is detected by its magic bytes 1f 8b, not by the file name.
 */
import { gunzipIfGzipped } from './gzip.js';
import { IOError, ValueError } from '../errors.js';

export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** An n-dimensional array as stored in an IDX file; `data` is row-major over `shape`. */
export interface IdxArray {
  readonly dtype: IdxDtype;
  readonly shape: readonly number[];
  readonly data: IdxData;
}

interface DtypeInfo {
  readonly code: number;
  readonly bytes: number;
  readonly ctor: new (n: number) => IdxData;
  readonly get: (v: DataView, offset: number) => number;
  readonly set: (v: DataView, offset: number, x: number) => void;
}

const DTYPES: Record<IdxDtype, DtypeInfo> = {
  uint8: { code: 0x08, bytes: 1, ctor: Uint8Array, get: (v, o) => v.getUint8(o), set: (v, o, x) => v.setUint8(o, x) },
  int8: { code: 0x09, bytes: 1, ctor: Int8Array, get: (v, o) => v.getInt8(o), set: (v, o, x) => v.setInt8(o, x) },
  int16: { code: 0x0b, bytes: 2, ctor: Int16Array, get: (v, o) => v.getInt16(o), set: (v, o, x) => v.setInt16(o, x) },
  int32: { code: 0x0c, bytes: 4, ctor: Int32Array, get: (v, o) => v.getInt32(o), set: (v, o, x) => v.setInt32(o, x) },
  float32: { code: 0x0d, bytes: 4, ctor: Float32Array, get: (v, o) => v.getFloat32(o), set: (v, o, x) => v.setFloat32(o, x) },
  float64: { code: 0x0e, bytes: 8, ctor: Float64Array, get: (v, o) => v.getFloat64(o), set: (v, o, x) => v.setFloat64(o, x) },
};

const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;

/** Parses IDX bytes (gzipped or not); errors are IOErrors naming `source`. */
export function decodeIdx(bytes: Uint8Array, source = '<bytes>'): IdxArray {
  return decodeIdxAs(bytes, 'decodeIdx', source);
}

/** Serialises `array` to IDX bytes (not compressed). */
export function encodeIdx(array: IdxArray): Uint8Array {
  const info = DTYPES[array.dtype];
  if (!info) throw new ValueError(`encodeIdx: unknown dtype '${String(array.dtype)}'`);
  if (!(array.data instanceof info.ctor)) {
    throw new ValueError(`encodeIdx: dtype '${array.dtype}' needs a ${info.ctor.name}, got ${array.data.constructor.name}`);
  }
  const { shape } = array;
  if (shape.length > 255 || !shape.every((d) => Number.isInteger(d) && d >= 0 && d < 2 ** 32)) {
    throw new ValueError(`encodeIdx: shape must be at most 255 uint32 dimensions, got [${shape.join(', ')}]`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== array.data.length) {
    throw new ValueError(`encodeIdx: shape [${shape.join(', ')}] holds ${count} values but data has ${array.data.length}`);
  }
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + count * info.bytes);
  const view = new DataView(out.buffer);
  out[2] = info.code;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  if (info.bytes === 1) out.set(new Uint8Array(array.data.buffer, array.data.byteOffset, count), header);
  else for (let i = 0; i < count; i++) info.set(view, header + i * info.bytes, array.data[i]!);
  return out;
}

export interface WriteIdxOptions {
  /** Gzip the file. Default: true when the path ends in `.gz`. */
  readonly gzip?: boolean;
}

/** decodeIdx for `fn`: errors are IOErrors naming `fn` and `source`. */
export function decodeIdxAs(input: Uint8Array, fn: string, source: string): IdxArray {
  const fail = (what: string): never => {
    throw new IOError(`${fn}: ${source}: ${what}`, source);
  };
  const bytes = gunzipIfGzipped(input, fail);
  if (bytes.length < 4) fail(`file is ${bytes.length} bytes, too short for an IDX header`);
  const entry = Object.entries(DTYPES).find(([, d]) => d.code === bytes[2]);
  if (bytes[0] !== 0 || bytes[1] !== 0 || !entry) {
    fail(`bad magic ${[...bytes.subarray(0, 4)].map(hex).join(' ')} (expected 0x00 0x00 <dtype 0x08|0x09|0x0b|0x0c|0x0d|0x0e> <ndim>)`);
  }
  const [dtype, info] = entry as [IdxDtype, DtypeInfo];
  const ndim = bytes[3]!;
  const header = 4 + 4 * ndim;
  if (bytes.length < header) fail(`truncated header: ${ndim} dimensions need ${header} bytes, file has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) shape.push(view.getUint32(4 + 4 * i));
  const count = shape.reduce((a, b) => a * b, 1);
  const payload = bytes.length - header;
  if (payload !== count * info.bytes) {
    fail(
      `shape [${shape.join(', ')}] of ${dtype} needs ${count * info.bytes} payload bytes but the file has ${payload}` +
        (payload < count * info.bytes ? ' (truncated)' : ' (trailing bytes)'),
    );
  }
  const data = new info.ctor(count);
  if (info.bytes === 1) new Uint8Array(data.buffer).set(bytes.subarray(header));
  else for (let i = 0; i < count; i++) data[i] = info.get(view, header + i * info.bytes);
  return { dtype, shape, data };
}
