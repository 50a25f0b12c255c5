/**
 * NIfTI-1 volumes (.nii, and .nii.gz detected by the gzip magic bytes, not the name).
 *
 * Reading: header fields are parsed by nifti-reader-js; gzip is inflated by node:zlib (about
 * 2.5× faster than the library's fflate on a 1.2 MB .nii.gz). Values are scaled by
 * scl_slope / scl_inter (slope 0 means no scaling). The voxel → world affine is the sform when
 * sform_code > 0, else the qform when qform_code > 0 (quaternion, qfac from pixdim[0]), else
 * diag(pixdim) (the standard's "method 1"). Only 3-D images are read: a 4-D file with one
 * volume is fine, more than one volume is an error. NIfTI-2 files (540-byte header, 64-bit
 * dims, double-precision fields) are read the same way; .hdr/.img pairs are errors.
 *
 * Writing: one `n+1` file, vox_offset 352, little-endian, xyzt_units mm, both sform and qform
 * set from the affine (same code), pixdim[0] = qfac, cal_min/cal_max the data range. Integer
 * datatypes pick scl_slope/scl_inter automatically unless given: see `autoScaling`.
 */
import { gunzipIfGzipped, gzip } from './gzip.js';
import { NIFTI1, NIFTI2 } from 'nifti-reader-js';
import { IOError, ValueError } from '../errors.js';
import { affineToQform, det3, qformToAffine } from './nifti_affine.js';
import { autoScaling, DATATYPES, datatypeOfCode, decodeVoxels, encodeVoxels, type NiftiDatatype } from './nifti_datatype.js';
import type { Volume } from './volume.js';

export type { NiftiDatatype } from './nifti_datatype.js';

/** A volume read from a NIfTI-1 file, with the header fields worth keeping. */
export interface NiftiImage extends Volume {
  /** How the voxels were stored. */
  readonly datatype: NiftiDatatype;
  /** The header's descrip field. */
  readonly description: string;
  /** The file it was read from (absent for decoded buffers). */
  readonly path?: string;
  readonly qformCode: number;
  readonly sformCode: number;
  /** The scaling applied on reading (1 and 0 when the header had none). */
  readonly sclSlope: number;
  readonly sclInter: number;
}

export interface EncodeNiftiOptions {
  /** Stored datatype; default float32 (exact for Volume data). */
  readonly datatype?: NiftiDatatype;
  /** Gzip the bytes. encodeNifti default false; writeNifti default: the path ends in `.gz`. */
  readonly gzip?: boolean;
  /** descrip (at most 79 ASCII characters are kept); default the input's description, if any. */
  readonly description?: string;
  /**
   * Explicit scaling: stored = round((value − sclInter) / sclSlope), clamped to the type's
   * range for integer types. Default for integer types: `autoScaling`; for float types: none.
   */
  readonly sclSlope?: number;
  readonly sclInter?: number;
  /**
   * sform_code and qform_code: 1 scanner, 2 aligned, 3 Talairach, 4 MNI. Default: the input's
   * sform (else qform) code when it is a NiftiImage with one, else 2 (aligned).
   */
  readonly xformCode?: 1 | 2 | 3 | 4;
}

const HEADER_BYTES = 348;
const VOX_OFFSET = 352; // header + 4 bytes of (empty) extension flags
const NIFTI2_HEADER_BYTES = 540;

/** Decodes NIfTI-1 bytes (gzipped or not); errors are IOErrors naming `name`. */
export function decodeNifti(bytes: Uint8Array, name = '(buffer)'): NiftiImage {
  return decodeNiftiAs(bytes, 'decodeNifti', name);
}

/** Encodes a volume as a single-file NIfTI-1 image. */
export function encodeNifti(vol: Volume, opts: EncodeNiftiOptions = {}): Uint8Array {
  return encodeNiftiAs(vol, opts, 'encodeNifti');
}

/** encodeNifti for `fn`: errors name `fn` (and `path` when given); gzipped when opts.gzip. */
export function encodeNiftiAs(vol: Volume, opts: EncodeNiftiOptions, fn: string, path?: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = encode(vol, opts, fn);
  } catch (e) {
    if (e instanceof ValueError && path !== undefined) throw new ValueError(`${e.message} (writing ${path})`);
    throw e;
  }
  return opts.gzip ? gzip(bytes) : bytes;
}

/** decodeNifti for `fn`: errors are IOErrors naming `fn` and `source`. */
export function decodeNiftiAs(input: Uint8Array, fn: string, source: string): NiftiImage {
  const fail = (what: string): never => {
    throw new IOError(`${fn}: ${source}: ${what}`, source);
  };
  const bytes = gunzipIfGzipped(input, fail);
  if (bytes.length < 4) fail(`file is ${bytes.length} bytes, too short for a NIfTI header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sizeLE = view.getInt32(0, true);
  const sizeBE = view.getInt32(0, false);
  // NIfTI-2: the same fields with 64-bit sizes and doubles, in a 540-byte header.
  const nifti2 = sizeLE === NIFTI2_HEADER_BYTES || sizeBE === NIFTI2_HEADER_BYTES;
  const headerBytes = nifti2 ? NIFTI2_HEADER_BYTES : HEADER_BYTES;
  const version = nifti2 ? 'NIfTI-2' : 'NIfTI-1';
  if (!nifti2 && sizeLE !== HEADER_BYTES && sizeBE !== HEADER_BYTES) fail(`not a NIfTI file: sizeof_hdr is ${sizeLE}, expected ${HEADER_BYTES} (NIfTI-1) or ${NIFTI2_HEADER_BYTES} (NIfTI-2)`);
  if (bytes.length < headerBytes) fail(`file is ${bytes.length} bytes, too short for a ${version} header (${headerBytes} bytes)`);
  const littleEndian = sizeLE === headerBytes;
  const magicAt = nifti2 ? 4 : 344;
  const magic = latin1(bytes.subarray(magicAt, magicAt + 4));
  if (magic === 'ni1' || magic === 'ni2') fail(`header of a .hdr/.img pair (magic '${magic}'); only single-file .nii / .nii.gz is supported`);
  const expected = nifti2 ? 'n+2' : 'n+1';
  if (magic !== expected) fail(`bad magic '${escapeMagic(bytes.subarray(magicAt, magicAt + 4))}' at byte ${magicAt} (expected '${expected}')`);

  const h = nifti2 ? new NIFTI2() : new NIFTI1();
  h.readHeader(Uint8Array.prototype.slice.call(bytes, 0, headerBytes).buffer); // a copy: Buffer.slice is a view

  const ndim = h.dims[0]!;
  if (!(ndim >= 1 && ndim <= 7)) fail(`dim[0] = ${ndim}, expected 1..7`);
  const dimsAll = h.dims.slice(1, ndim + 1);
  if (dimsAll.some((d) => d < 1)) fail(`dimensions [${dimsAll.join(', ')}] must all be >= 1`);
  const dims = [dimsAll[0] ?? 1, dimsAll[1] ?? 1, dimsAll[2] ?? 1] as [number, number, number];
  const volumes = dimsAll.slice(3).reduce((a, b) => a * b, 1);
  if (volumes > 1) fail(`has ${volumes} volumes (dims [${dimsAll.join(', ')}]); only 3-D images are supported — extract one volume first`);

  const datatype = datatypeOfCode(h.datatypeCode);
  if (!(datatype in DATATYPES)) fail(datatype);
  const info = DATATYPES[datatype as NiftiDatatype];
  const voxOffset = Math.floor(h.vox_offset);
  if (!(voxOffset >= headerBytes)) fail(`vox_offset ${h.vox_offset} is inside the ${headerBytes}-byte header`);
  const count = dims[0] * dims[1] * dims[2];
  const need = count * info.bytes;
  const have = bytes.length - voxOffset;
  if (have < need) {
    fail(`truncated: dims ${dims.join('x')} of ${datatype} need ${need} data bytes after vox_offset ${voxOffset}, but the file has ${Math.max(0, have)} (${bytes.length} bytes in all)`);
  }

  // nifti1.h: "If the scl_slope field is nonzero, then each voxel value in the dataset should be scaled".
  const scaled = h.scl_slope !== 0 && Number.isFinite(h.scl_slope);
  const sclSlope = scaled ? h.scl_slope : 1;
  const sclInter = scaled && Number.isFinite(h.scl_inter) ? h.scl_inter : 0;
  const data = decodeVoxels(bytes, voxOffset, count, info, littleEndian, sclSlope, sclInter);

  const affine = headerAffine(view, littleEndian, h);
  const spacing = dims.map((n, i) => {
    const p = Math.abs(h.pixDims[i + 1]!);
    if (Number.isFinite(p) && p > 0) return p;
    const norm = Math.hypot(affine[i]!, affine[4 + i]!, affine[8 + i]!);
    if (norm > 0) return norm;
    if (n === 1) return 1;
    return fail(`pixdim[${i + 1}] is ${h.pixDims[i + 1]} (voxel size must be positive)`);
  }) as [number, number, number];
  if (h.sform_code <= 0 && h.qform_code <= 0) {
    // Method 1 uses pixdim directly; substitute the checked spacing so the affine is invertible.
    affine[0] = spacing[0];
    affine[5] = spacing[1];
    affine[10] = spacing[2];
  }
  if (affine.some((v) => !Number.isFinite(v))) fail(`the ${h.sform_code > 0 ? 'sform' : 'qform'} has non-finite entries`);

  const descrip = nifti2 ? bytes.subarray(240, 320) : bytes.subarray(148, 228);
  const end = descrip.indexOf(0);
  return {
    data,
    dims,
    spacing,
    affine,
    datatype: datatype as NiftiDatatype,
    description: latin1(end < 0 ? descrip : descrip.subarray(0, end)),
    qformCode: h.qform_code,
    sformCode: h.sform_code,
    sclSlope,
    sclInter,
  };
}

/** sform if sform_code > 0, else qform if qform_code > 0, else diag(pixdim) (nifti1.h methods 3, 2, 1). */
function headerAffine(view: DataView, littleEndian: boolean, h: NIFTI1 | NIFTI2): number[] {
  if (h.sform_code > 0 && h instanceof NIFTI2) return [...h.affine[0]!, ...h.affine[1]!, ...h.affine[2]!, 0, 0, 0, 1];
  if (h.sform_code > 0) {
    const rows: number[] = [];
    for (let i = 0; i < 12; i++) rows.push(view.getFloat32(280 + 4 * i, littleEndian));
    return [...rows, 0, 0, 0, 1];
  }
  if (h.qform_code > 0) {
    return qformToAffine({
      b: h.quatern_b,
      c: h.quatern_c,
      d: h.quatern_d,
      offset: [h.qoffset_x, h.qoffset_y, h.qoffset_z],
      qfac: h.pixDims[0]! < 0 ? -1 : 1,
      pixdim: [h.pixDims[1]!, h.pixDims[2]!, h.pixDims[3]!],
    });
  }
  return [h.pixDims[1]!, 0, 0, 0, 0, h.pixDims[2]!, 0, 0, 0, 0, h.pixDims[3]!, 0, 0, 0, 0, 1];
}

function encode(vol: Volume, opts: EncodeNiftiOptions, fn: string): Uint8Array {
  const { data, dims, spacing, affine } = vol;
  const bad = (what: string): never => {
    throw new ValueError(`${fn}: ${what}`);
  };
  if (dims.length !== 3 || !dims.every((d) => Number.isInteger(d) && d >= 1 && d <= 32767)) bad(`dims must be 3 integers in 1..32767, got [${dims.join(', ')}]`);
  const count = dims[0] * dims[1] * dims[2];
  if (data.length !== count) bad(`dims ${dims.join('x')} hold ${count} voxels but data has ${data.length}`);
  if (spacing.length !== 3 || !spacing.every((s) => Number.isFinite(s) && s > 0)) bad(`spacing must be 3 positive numbers, got [${spacing.join(', ')}]`);
  if (affine.length !== 16 || !affine.every(Number.isFinite)) bad(`affine must be 16 finite numbers (row-major 4x4), got ${affine.length}`);
  if (affine[12] !== 0 || affine[13] !== 0 || affine[14] !== 0 || affine[15] !== 1) bad(`affine's last row must be [0, 0, 0, 1], got [${affine.slice(12).join(', ')}]`);
  const rot = [0, 1, 2].map((i) => [affine[4 * i]!, affine[4 * i + 1]!, affine[4 * i + 2]!]);
  if (det3(rot) === 0) bad('affine is singular');
  for (let j = 0; j < 3; j++) {
    const norm = Math.hypot(affine[j]!, affine[4 + j]!, affine[8 + j]!);
    // pixdim and the qform come from `spacing`, the sform from `affine`: they must agree.
    if (Math.abs(norm - spacing[j]!) > 1e-3 * spacing[j]!) bad(`spacing[${j}] = ${spacing[j]} but affine column ${j} has length ${norm}`);
  }

  const datatype = opts.datatype ?? 'float32';
  const info = DATATYPES[datatype];
  if (!info) bad(`unknown datatype '${String(datatype)}'; expected one of ${Object.keys(DATATYPES).join(', ')}`);
  if (info.range) {
    for (let i = 0; i < count; i++) if (!Number.isFinite(data[i]!)) bad(`voxel ${i} is ${data[i]}; ${datatype} can store only finite values`);
  }
  let slope = 1;
  let inter = 0;
  if (opts.sclSlope !== undefined || opts.sclInter !== undefined) {
    slope = Math.fround(opts.sclSlope ?? 1);
    inter = Math.fround(opts.sclInter ?? 0);
    if (!Number.isFinite(slope) || slope === 0 || !Number.isFinite(inter)) bad(`sclSlope must be finite and non-zero and sclInter finite, got ${opts.sclSlope}, ${opts.sclInter}`);
  } else if (info.range) {
    ({ slope, inter } = autoScaling(data, info.range));
  }
  const values = info.range || (slope === 1 && inter === 0) ? data : data.map((v) => (v - inter) / slope);
  const voxels = encodeVoxels(values, info, slope, inter);

  const image = vol as Partial<NiftiImage>;
  const code = opts.xformCode ?? ((image.sformCode ?? 0) > 0 ? image.sformCode! : (image.qformCode ?? 0) > 0 ? image.qformCode! : 2);
  if (![1, 2, 3, 4].includes(code)) bad(`xformCode must be 1, 2, 3 or 4, got ${code}`);
  const q = affineToQform(affine);

  const out = new Uint8Array(VOX_OFFSET + voxels.length);
  const v = new DataView(out.buffer);
  const i16 = (o: number, x: number) => v.setInt16(o, x, true);
  const f32 = (o: number, x: number) => v.setFloat32(o, x, true);
  v.setInt32(0, HEADER_BYTES, true);
  out[38] = 0x72; // regular = 'r'
  i16(40, 3);
  [dims[0], dims[1], dims[2], 1, 1, 1, 1].forEach((d, i) => i16(42 + 2 * i, d));
  i16(70, info.code);
  i16(72, 8 * info.bytes);
  [q.qfac, spacing[0], spacing[1], spacing[2], 1, 1, 1, 1].forEach((p, i) => f32(76 + 4 * i, p));
  f32(108, VOX_OFFSET);
  f32(112, slope === 1 && inter === 0 ? 0 : slope); // 0: no scaling
  f32(116, slope === 1 && inter === 0 ? 0 : inter);
  out[123] = 2; // xyzt_units: NIFTI_UNITS_MM, time unset
  const [calMin, calMax] = finiteRange(data);
  f32(124, calMax);
  f32(128, calMin);
  const descrip = (opts.description ?? image.description ?? '').slice(0, 79);
  for (let i = 0; i < descrip.length; i++) out[148 + i] = descrip.charCodeAt(i) < 128 ? descrip.charCodeAt(i) : 0x3f; // '?'
  i16(252, code);
  i16(254, code);
  f32(256, q.b);
  f32(260, q.c);
  f32(264, q.d);
  q.offset.forEach((o, i) => f32(268 + 4 * i, o));
  for (let i = 0; i < 12; i++) f32(280 + 4 * i, affine[i]!);
  out.set([0x6e, 0x2b, 0x31, 0], 344); // 'n+1\0'
  out.set(voxels, VOX_OFFSET);
  return out;
}

function finiteRange(data: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const x = data[i]!;
    if (!Number.isFinite(x)) continue;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}

function latin1(b: Uint8Array): string {
  return String.fromCharCode(...b).replace(/\0+$/, '');
}

function escapeMagic(b: Uint8Array): string {
  return [...b].map((c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`)).join('');
}
