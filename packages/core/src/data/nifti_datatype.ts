/**
 * NIfTI-1 voxel datatypes: header codes, sizes, and the conversions between stored values and
 * the float values they mean (value = stored · scl_slope + scl_inter).
 */

export type NiftiDatatype = 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

type StoredArray = Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

export interface DatatypeInfo {
  /** The header's `datatype` code (nifti1.h DT_*). */
  readonly code: number;
  readonly bytes: 1 | 2 | 4 | 8;
  readonly ctor: { new (buffer: ArrayBuffer): StoredArray; new (length: number): StoredArray };
  /** The stored range for integer types; undefined for float types. */
  readonly range?: readonly [number, number];
}

export const DATATYPES: Record<NiftiDatatype, DatatypeInfo> = {
  uint8: { code: 2, bytes: 1, ctor: Uint8Array, range: [0, 255] },
  int8: { code: 256, bytes: 1, ctor: Int8Array, range: [-128, 127] },
  int16: { code: 4, bytes: 2, ctor: Int16Array, range: [-32768, 32767] },
  uint16: { code: 512, bytes: 2, ctor: Uint16Array, range: [0, 65535] },
  int32: { code: 8, bytes: 4, ctor: Int32Array, range: [-(2 ** 31), 2 ** 31 - 1] },
  uint32: { code: 768, bytes: 4, ctor: Uint32Array, range: [0, 2 ** 32 - 1] },
  float32: { code: 16, bytes: 4, ctor: Float32Array },
  float64: { code: 64, bytes: 8, ctor: Float64Array },
};

/** Names of the nifti1.h codes Lacuna does not read, for error messages. */
const UNSUPPORTED_NAMES: Record<number, string> = {
  1: 'binary',
  32: 'complex64',
  128: 'rgb24',
  1024: 'int64',
  1280: 'uint64',
  1536: 'float128',
  1792: 'complex128',
  2048: 'complex256',
  2304: 'rgba32',
};

/** The datatype of a header code, or a description of why it is not supported. */
export function datatypeOfCode(code: number): NiftiDatatype | string {
  for (const [name, info] of Object.entries(DATATYPES)) if (info.code === code) return name as NiftiDatatype;
  const known = UNSUPPORTED_NAMES[code];
  return `unsupported datatype code ${code}${known ? ` (${known})` : ''}; supported: ${Object.entries(DATATYPES)
    .map(([n, i]) => `${n} (${i.code})`)
    .join(', ')}`;
}

/**
 * Decodes `count` stored values at `bytes[offset..]` into floats, applying the scaling.
 * The bytes are copied to an aligned buffer (and byte-swapped for a big-endian file) so a
 * typed array can read them directly.
 */
export function decodeVoxels(
  bytes: Uint8Array,
  offset: number,
  count: number,
  info: DatatypeInfo,
  littleEndian: boolean,
  slope: number,
  inter: number,
): Float32Array {
  // A copy, not a view: node Buffers' slice() shares memory, and the offset may be unaligned.
  const raw = new Uint8Array(count * info.bytes);
  raw.set(bytes.subarray(offset, offset + raw.length));
  if (littleEndian !== HOST_LITTLE_ENDIAN && info.bytes > 1) swapBytes(raw, info.bytes);
  const stored = new info.ctor(raw.buffer as ArrayBuffer);
  const out = new Float32Array(count);
  if (slope === 1 && inter === 0) out.set(stored);
  else for (let i = 0; i < count; i++) out[i] = stored[i]! * slope + inter;
  return out;
}

/** Little-endian bytes of `values` stored as `info` with value = stored · slope + inter. */
export function encodeVoxels(values: Float32Array, info: DatatypeInfo, slope: number, inter: number): Uint8Array {
  const stored = new info.ctor(values.length);
  if (!info.range) {
    stored.set(values);
  } else {
    const [lo, hi] = info.range;
    for (let i = 0; i < values.length; i++) stored[i] = Math.min(hi, Math.max(lo, Math.round((values[i]! - inter) / slope)));
  }
  const out = new Uint8Array(stored.buffer, 0, stored.byteLength);
  if (!HOST_LITTLE_ENDIAN && info.bytes > 1) swapBytes(out, info.bytes);
  return out;
}

/**
 * Scaling for storing float data in an integer type. Data that are already integers inside the
 * type's range (masks, labels, integer images) are stored as they are (slope 1, inter 0);
 * anything else maps its [min, max] linearly onto the type's full range, so the float range
 * survives with a step of (max − min) / (2^bits − 1). The pair is rounded to float32, as the
 * header stores it, before it is used to quantise.
 */
export function autoScaling(values: Float32Array, range: readonly [number, number]): { slope: number; inter: number } {
  let min = Infinity;
  let max = -Infinity;
  let integral = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    if (integral && !Number.isInteger(v)) integral = false;
  }
  if (values.length === 0 || (integral && min >= range[0] && max <= range[1])) return { slope: 1, inter: 0 };
  if (max === min) return { slope: 1, inter: Math.fround(min) }; // every value stored as 0
  const slope = Math.fround((max - min) / (range[1] - range[0]));
  return { slope, inter: Math.fround(min - range[0] * slope) };
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function swapBytes(b: Uint8Array, size: number): void {
  for (let i = 0; i + size <= b.length; i += size) {
    for (let lo = i, hi = i + size - 1; lo < hi; lo++, hi--) {
      const t = b[lo]!;
      b[lo] = b[hi]!;
      b[hi] = t;
    }
  }
}
