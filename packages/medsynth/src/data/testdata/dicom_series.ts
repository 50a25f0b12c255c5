/**
 * A minimal DICOM writer for tests: one Part 10 file per slice (explicit VR little endian, MR
 * Image Storage, 16-bit unsigned pixels) with the geometry tags a series reader uses
 * (ImagePositionPatient, ImageOrientationPatient, PixelSpacing, SliceThickness). LPS, as DICOM.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

type Element = [group: number, element: number, vr: string, value: Uint8Array];

const text = (s: string, pad = ' ') => new TextEncoder().encode(s.length % 2 ? s + pad : s);
const uid = (s: string) => text(s, '\0');
const us = (v: number) => new Uint8Array(new Uint16Array([v]).buffer);
const ds = (values: number[]) => text(values.map((v) => String(Number(v.toFixed(6)))).join('\\'));

function encode(elements: Element[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [g, e, vr, value] of elements) {
    const long = ['OB', 'OW', 'OF', 'SQ', 'UT', 'UN'].includes(vr);
    const head = new Uint8Array(long ? 12 : 8);
    const v = new DataView(head.buffer);
    v.setUint16(0, g, true);
    v.setUint16(2, e, true);
    head.set(new TextEncoder().encode(vr), 4);
    if (long) v.setUint32(8, value.length, true);
    else v.setUint16(6, value.length, true);
    parts.push(head, value);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

export interface DicomSeriesSpec {
  /** [columns, rows, slices] and values in x-fastest order (integers 0..65535). */
  readonly size: readonly [number, number, number];
  readonly values: ArrayLike<number>;
  /** LPS position of the first voxel of slice 0, mm. */
  readonly origin: readonly [number, number, number];
  /** Row direction (along columns, i), column direction (along rows, j), LPS unit vectors. */
  readonly rowCosines: readonly [number, number, number];
  readonly columnCosines: readonly [number, number, number];
  /** [column spacing (i), row spacing (j), slice spacing], mm. */
  readonly spacing: readonly [number, number, number];
}

/** Writes the series into `dir` as slice files whose names are not in slice order; returns their paths. */
export function writeDicomSeries(dir: string, spec: DicomSeriesSpec): string[] {
  const [nx, ny, nz] = spec.size;
  const r = spec.rowCosines, c = spec.columnCosines;
  const normal = [r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0]];
  const SOP_CLASS = '1.2.840.10008.5.1.4.1.1.4';
  const paths: string[] = [];
  for (let k = 0; k < nz; k++) {
    const instance = `1.2.826.0.1.3680043.10.1.${k + 1}`;
    const pos = [0, 1, 2].map((a) => spec.origin[a]! + k * spec.spacing[2] * normal[a]!);
    const pixels = new Uint16Array(nx * ny);
    for (let p = 0; p < nx * ny; p++) pixels[p] = spec.values[k * nx * ny + p]!;
    const meta = encode([
      [0x0002, 0x0001, 'OB', new Uint8Array([0, 1])],
      [0x0002, 0x0002, 'UI', uid(SOP_CLASS)],
      [0x0002, 0x0003, 'UI', uid(instance)],
      [0x0002, 0x0010, 'UI', uid('1.2.840.10008.1.2.1')],
    ]);
    const groupLength = encode([[0x0002, 0x0000, 'UL', new Uint8Array(new Uint32Array([meta.length]).buffer)]]);
    const body = encode([
      [0x0008, 0x0016, 'UI', uid(SOP_CLASS)],
      [0x0008, 0x0018, 'UI', uid(instance)],
      [0x0008, 0x0060, 'CS', text('MR')],
      [0x0010, 0x0010, 'PN', text('Phantom^Lacuna')],
      [0x0010, 0x0020, 'LO', text('LACUNA01')],
      [0x0018, 0x0050, 'DS', ds([spec.spacing[2]])],
      [0x0020, 0x000d, 'UI', uid('1.2.826.0.1.3680043.10.2')],
      [0x0020, 0x000e, 'UI', uid('1.2.826.0.1.3680043.10.3')],
      [0x0020, 0x0013, 'IS', text(String(k + 1))],
      [0x0020, 0x0032, 'DS', ds(pos)],
      [0x0020, 0x0037, 'DS', ds([...r, ...c])],
      [0x0028, 0x0002, 'US', us(1)],
      [0x0028, 0x0004, 'CS', text('MONOCHROME2')],
      [0x0028, 0x0010, 'US', us(ny)],
      [0x0028, 0x0011, 'US', us(nx)],
      [0x0028, 0x0030, 'DS', ds([spec.spacing[1], spec.spacing[0]])],
      [0x0028, 0x0100, 'US', us(16)],
      [0x0028, 0x0101, 'US', us(16)],
      [0x0028, 0x0102, 'US', us(15)],
      [0x0028, 0x0103, 'US', us(0)],
      [0x7fe0, 0x0010, 'OW', new Uint8Array(pixels.buffer)],
    ]);
    const file = new Uint8Array(132 + groupLength.length + meta.length + body.length);
    file.set(new TextEncoder().encode('DICM'), 128);
    file.set(groupLength, 132);
    file.set(meta, 132 + groupLength.length);
    file.set(body, 132 + groupLength.length + meta.length);
    // Names in reverse slice order, so a reader must sort by position.
    const path = join(dir, `IM${String(nz - k).padStart(4, '0')}.dcm`);
    writeFileSync(path, file);
    paths.push(path);
  }
  return paths;
}
