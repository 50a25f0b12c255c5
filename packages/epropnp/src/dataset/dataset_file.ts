/**
 * The data set file: one binary blob per field after a JSON header, so thousands of samples
 * load with a single read and no per-sample parsing.
 *
 *   bytes 0..8    magic "LCNEPNP1"
 *   bytes 8..12   uint32 LE: header length H
 *   bytes 12..    H bytes of UTF-8 JSON: { format, version, count, cropSize, seed, renderOptions, intrinsics,
 *                 object: {name, diameter, halfExtent, symmetry, up}, fields: {name: {dtype, shape,
 *                 offset, byteLength}} }
 *   then zero padding to a multiple of 8, then the blobs (little-endian, each at its `offset`
 *   from the start of the blob area, 8-byte aligned):
 *     images     uint8   [N, S, S, 3]  RGB 0..255
 *     x3d        uint16  [N, S, S, 3]  object coordinates quantised over [−halfExtent, +halfExtent]
 *                                      per axis: x = (q / 65535 · 2 − 1) · halfExtent (step ≤ 3 µm
 *                                      for LineMOD-sized objects; exact 0 is not kept off the object,
 *                                      the masks say where the map is valid)
 *     masks      uint8   [N, S, S]     bit 0: visible, bit 1: on the silhouette (occluded or not)
 *     poses      float64 [N, 7]
 *     boxes      float64 [N, 3]
 *     vertices   float32 [V, 3]        the object model, metres
 * Version 2 keeps a CRC-32 of every blob in its field entry, so a flipped byte is an error
 * naming the field (version 1 files, without it, still read). Written atomically. Reading checks the magic, the header, every field's size against the
 * file's, and the values (masks, unit quaternions, positive box sizes); errors name the file.
 */
import { data, IOError } from '@lacuna/core';
import type { PoseDataset } from './pose_dataset.js';

const MAGIC = 'LCNEPNP1';
const FORMAT = 'lacuna-epropnp-dataset';
const VERSION = 2;
const READABLE_VERSIONS = [1, 2];

type Dtype = 'uint8' | 'uint16' | 'float32' | 'float64';
const BYTES: Record<Dtype, number> = { uint8: 1, uint16: 2, float32: 4, float64: 8 };

interface FieldEntry {
  dtype: Dtype;
  shape: number[];
  offset: number;
  byteLength: number;
  /** CRC-32 of the blob as 8 hex digits (version 2; fixed width, so the header's length does not depend on the data). */
  crc32?: string;
}

const hex8 = (crc: number) => crc.toString(16).padStart(8, '0');

/** Encodes a data set as the file's bytes. */
export function encodeDataset(ds: PoseDataset): Uint8Array {
  const N = ds.count, S = ds.cropSize, px = N * S * S;
  const ext = ds.object.halfExtent;
  const x3d = new Uint16Array(px * 3);
  for (let i = 0; i < px * 3; i++) {
    const e = ext[i % 3]!;
    x3d[i] = Math.round(Math.min(1, Math.max(0, (ds.x3d[i]! / e + 1) / 2)) * 65535);
  }
  const masks = new Uint8Array(px);
  for (let i = 0; i < px; i++) masks[i] = (ds.masks[i]! ? 1 : 0) | (ds.objectMasks[i]! ? 2 : 0);
  const blobs: [string, Dtype, number[], ArrayBufferView][] = [
    ['images', 'uint8', [N, S, S, 3], ds.images],
    ['x3d', 'uint16', [N, S, S, 3], x3d],
    ['masks', 'uint8', [N, S, S], masks],
    ['poses', 'float64', [N, 7], ds.poses],
    ['boxes', 'float64', [N, 3], ds.boxes],
    ['vertices', 'float32', [ds.vertices.length / 3, 3], ds.vertices],
  ];
  const fields: Record<string, FieldEntry> = {};
  let offset = 0;
  for (const [name, dtype, shape, arr] of blobs) {
    fields[name] = { dtype, shape, offset, byteLength: arr.byteLength, crc32: hex8(data.crc32(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength))) };
    offset += Math.ceil(arr.byteLength / 8) * 8;
  }
  const header = {
    format: FORMAT,
    version: VERSION,
    count: N,
    cropSize: S,
    seed: ds.seed,
    renderOptions: ds.renderOptions,
    intrinsics: ds.intrinsics,
    object: ds.object,
    fields,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = Math.ceil((12 + json.length) / 8) * 8;
  const out = new Uint8Array(start + offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  for (const [name, , , arr] of blobs) out.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), start + fields[name]!.offset);
  return out;
}

/** Decodes the file's bytes; `source` names the file in errors. */
export function decodeDataset(bytes: Uint8Array, source = '<bytes>'): PoseDataset {
  const fail = (why: string): never => {
    throw new IOError(`readDataset: ${source}: ${why}`, source);
  };
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) fail(`not an EPro-PnP data set file (no '${MAGIC}' magic)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) fail(`truncated header (needs ${12 + headerLength} bytes, file has ${bytes.length})`);
  let header: any;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + headerLength)));
  } catch (e) {
    fail(`corrupt header (${(e as Error).message})`);
  }
  if (header?.format !== FORMAT || !READABLE_VERSIONS.includes(header.version)) fail(`unsupported format ${JSON.stringify(header?.format)} version ${JSON.stringify(header?.version)}`);
  const N = header.count, S = header.cropSize;
  if (!(Number.isInteger(N) && N >= 1 && Number.isInteger(S) && S >= 1)) fail(`bad count ${N} or cropSize ${S}`);
  const ext = header.object?.halfExtent;
  if (!(Array.isArray(ext) && ext.length === 3 && ext.every((e: unknown) => typeof e === 'number' && e > 0))) fail('bad object.halfExtent');
  if (!(typeof header.object.diameter === 'number' && header.object.diameter > 0)) fail('bad object.diameter');
  const start = Math.ceil((12 + headerLength) / 8) * 8;

  const field = (name: string, dtype: Dtype, shape: (number | null)[]): ArrayBuffer => {
    const f = header.fields?.[name] as FieldEntry | undefined;
    if (!f || f.dtype !== dtype || !Array.isArray(f.shape) || f.shape.length !== shape.length) fail(`field '${name}' missing or not ${dtype} of rank ${shape.length}`);
    shape.forEach((d, i) => {
      if (!(Number.isInteger(f!.shape[i]) && f!.shape[i]! >= 1 && (d === null || f!.shape[i] === d))) fail(`field '${name}' has shape [${f!.shape}], expected [${shape.map((d) => d ?? 'V')}]`);
    });
    const length = f!.shape.reduce((a, b) => a * b, 1) * BYTES[dtype];
    if (f!.byteLength !== length || !Number.isInteger(f!.offset) || f!.offset < 0 || f!.offset % 8 !== 0) fail(`field '${name}' has a bad offset or byte length`);
    const end = start + f!.offset + length;
    if (end > bytes.length) fail(`truncated: field '${name}' ends at byte ${end}, file has ${bytes.length}`);
    // A copy (not Buffer#slice, which is a view): typed arrays need aligned offsets.
    const copy = new Uint8Array(length);
    copy.set(bytes.subarray(start + f!.offset, end));
    if (header.version >= 2) {
      const crc = hex8(data.crc32(copy));
      if (crc !== f!.crc32) fail(`field '${name}' fails its checksum (CRC-32 ${crc}, the header says ${String(f!.crc32)}): the file is damaged`);
    }
    return copy.buffer;
  };
  const images = new Uint8Array(field('images', 'uint8', [N, S, S, 3]));
  const q = new Uint16Array(field('x3d', 'uint16', [N, S, S, 3]));
  const packed = new Uint8Array(field('masks', 'uint8', [N, S, S]));
  const poses = new Float64Array(field('poses', 'float64', [N, 7]));
  const boxes = new Float64Array(field('boxes', 'float64', [N, 3]));
  const vertices = new Float32Array(field('vertices', 'float32', [null, 3]));

  const x3d = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) x3d[i] = ((q[i]! / 65535) * 2 - 1) * ext[i % 3];
  const masks = new Uint8Array(packed.length), objectMasks = new Uint8Array(packed.length);
  for (let i = 0; i < packed.length; i++) {
    const m = packed[i]!;
    if (m > 3) fail(`masks: value ${m} at ${i} (expected 0..3)`);
    masks[i] = m & 1;
    objectMasks[i] = m >> 1;
    if (!objectMasks[i]) x3d[i * 3] = x3d[i * 3 + 1] = x3d[i * 3 + 2] = 0;
  }
  for (let i = 0; i < N; i++) {
    const p = poses.subarray(i * 7, i * 7 + 7);
    if (!p.every(Number.isFinite) || Math.abs(Math.hypot(p[3]!, p[4]!, p[5]!, p[6]!) - 1) > 1e-6) fail(`poses: sample ${i} is not a finite pose with a unit quaternion`);
    if (!(Number.isFinite(boxes[i * 3]!) && Number.isFinite(boxes[i * 3 + 1]!) && boxes[i * 3 + 2]! > 0)) fail(`boxes: sample ${i} is not a box with a positive size`);
  }
  return {
    object: header.object,
    vertices,
    intrinsics: header.intrinsics,
    cropSize: S,
    count: N,
    seed: header.seed,
    renderOptions: header.renderOptions ?? {},
    images,
    x3d,
    masks,
    objectMasks,
    poses,
    boxes,
  };
}
