/**
 * PLY meshes (ASCII, binary little- and big-endian): vertices with optional normals, colours
 * and texture coordinates, and faces as index lists (polygons split into triangle fans).
 * Unknown properties and elements are skipped. Errors are IOErrors naming the file and the
 * element (`bunny.ply: vertex 17: x is NaN`, `face 3: index 1200 is past the 1000 vertices`).
 * Also the writer BOP model files need (binary little-endian, millimetres by the caller).
 */
import { IOError } from '@lacuna/core';

/** A triangle mesh as read from a file, in the file's own units and axes. */
export interface MeshData {
  /** [V, 3] positions. */
  readonly vertices: Float32Array;
  /** [F, 3] triangles (polygons split into fans). */
  readonly faces: Uint32Array;
  /** [V, 3] normals, when the file has them. */
  readonly normals?: Float32Array;
  /** [V, 3] RGB in [0, 1], when the file has vertex colours. */
  readonly colors?: Float32Array;
  /** [V, 2] texture coordinates (u, v), when the file has them. */
  readonly uvs?: Float32Array;
  /** The texture image named in the file (PLY `comment TextureFile`, OBJ `map_Kd`), if any. */
  readonly textureFile?: string;
}

type PlyType = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';
const TYPE_NAMES: Record<string, PlyType> = {
  char: 'int8', int8: 'int8', uchar: 'uint8', uint8: 'uint8', short: 'int16', int16: 'int16', ushort: 'uint16', uint16: 'uint16',
  int: 'int32', int32: 'int32', uint: 'uint32', uint32: 'uint32', float: 'float32', float32: 'float32', double: 'float64', float64: 'float64',
};
const SIZES: Record<PlyType, number> = { int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8 };

interface Property {
  readonly name: string;
  readonly type: PlyType;
  /** For list properties: the type of the count. */
  readonly countType?: PlyType;
}

interface Element {
  readonly name: string;
  readonly count: number;
  readonly properties: Property[];
}

interface Header {
  readonly format: 'ascii' | 'binary_little_endian' | 'binary_big_endian';
  readonly elements: Element[];
  readonly textureFile?: string;
  /** Byte offset of the body. */
  readonly bodyStart: number;
}

function parseHeader(bytes: Uint8Array, file: string): Header {
  const fail = (why: string): never => {
    throw new IOError(`${file}: ${why}`, file);
  };
  // The header is ASCII and ends with the line "end_header".
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 1 << 20)));
  const end = text.search(/end_header\r?\n/);
  if (!text.startsWith('ply')) fail("not a PLY file (it does not start with 'ply')");
  if (end < 0) fail("no 'end_header' line: not a PLY file, or a truncated one");
  const bodyStart = end + text.slice(end).indexOf('\n') + 1;
  let format: Header['format'] | null = null;
  let textureFile: string | undefined;
  const elements: Element[] = [];
  for (const raw of text.slice(0, end).split(/\r?\n/).slice(1)) {
    const parts = raw.trim().split(/\s+/);
    const key = parts[0];
    if (!key) continue;
    if (key === 'format') {
      if (parts[1] !== 'ascii' && parts[1] !== 'binary_little_endian' && parts[1] !== 'binary_big_endian') fail(`unknown format '${parts[1]}'`);
      format = parts[1] as Header['format'];
    } else if (key === 'comment' || key === 'obj_info') {
      if (parts[1] === 'TextureFile' && parts[2]) textureFile = parts.slice(2).join(' ');
    } else if (key === 'element') {
      const count = Number(parts[2]);
      if (!parts[1] || !(Number.isInteger(count) && count >= 0)) fail(`bad element line '${raw.trim()}'`);
      elements.push({ name: parts[1]!, count, properties: [] });
    } else if (key === 'property') {
      const el = elements[elements.length - 1] ?? fail(`property before any element: '${raw.trim()}'`);
      if (parts[1] === 'list') {
        const countType = TYPE_NAMES[parts[2] ?? ''], type = TYPE_NAMES[parts[3] ?? ''];
        if (!countType || !type || !parts[4]) fail(`bad list property '${raw.trim()}' of element '${el.name}'`);
        el.properties.push({ name: parts[4]!, type: type!, countType: countType! });
      } else {
        const type = TYPE_NAMES[parts[1] ?? ''];
        if (!type || !parts[2]) fail(`bad property '${raw.trim()}' of element '${el.name}'`);
        el.properties.push({ name: parts[2]!, type: type! });
      }
    } else {
      fail(`unknown header line '${raw.trim()}'`);
    }
  }
  if (!format) fail("no 'format' line in the header");
  return { format: format!, elements, ...(textureFile ? { textureFile } : {}), bodyStart };
}

/** Reads values one at a time from the body, in the file's format. */
class BodyReader {
  private pos: number;
  private readonly view: DataView;
  private readonly little: boolean;
  /** ASCII: the data lines (one element instance per line), the current line's tokens. */
  private readonly lines: string[] | null;
  private line = 0;
  private tokens: string[] = [];
  private token = 0;

  constructor(private readonly bytes: Uint8Array, header: Header, private readonly file: string) {
    this.pos = header.bodyStart;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.little = header.format === 'binary_little_endian';
    this.lines = header.format === 'ascii' ? new TextDecoder().decode(bytes.subarray(header.bodyStart)).split(/\r?\n/).filter((l) => l.trim().length > 0) : null;
  }

  /** Starts an element instance (ASCII: its line). */
  begin(where: string): void {
    if (!this.lines) return;
    if (this.line >= this.lines.length) throw new IOError(`${this.file}: ${where}: the file ends early (truncated, or the header's counts are too large)`, this.file);
    this.tokens = this.lines[this.line++]!.trim().split(/\s+/);
    this.token = 0;
  }

  /** Ends an element instance (ASCII: its line must be used up). */
  end(where: string): void {
    if (this.lines && this.token !== this.tokens.length) {
      throw new IOError(`${this.file}: ${where}: the line has ${this.tokens.length} values, the header's properties take ${this.token} (do the header's counts match the data?)`, this.file);
    }
  }

  read(type: PlyType, where: () => string): number {
    if (this.lines) {
      if (this.token >= this.tokens.length) throw new IOError(`${this.file}: ${where()}: the line ends early (${this.tokens.length} values; do the header's counts match the data?)`, this.file);
      const t = this.tokens[this.token++]!;
      const v = Number(t);
      if (t.toLowerCase() !== 'nan' && Number.isNaN(v)) throw new IOError(`${this.file}: ${where()}: '${t}' is not a number`, this.file);
      return v;
    }
    const size = SIZES[type];
    if (this.pos + size > this.bytes.length) throw new IOError(`${this.file}: ${where()}: the file ends early (truncated, or the header's counts are too large)`, this.file);
    const p = this.pos;
    this.pos += size;
    switch (type) {
      case 'int8': return this.view.getInt8(p);
      case 'uint8': return this.view.getUint8(p);
      case 'int16': return this.view.getInt16(p, this.little);
      case 'uint16': return this.view.getUint16(p, this.little);
      case 'int32': return this.view.getInt32(p, this.little);
      case 'uint32': return this.view.getUint32(p, this.little);
      case 'float32': return this.view.getFloat32(p, this.little);
      case 'float64': return this.view.getFloat64(p, this.little);
    }
  }

  /** Values left over after the last element (a wrong count in the header). */
  leftover(): boolean {
    return this.lines ? this.line < this.lines.length : this.pos < this.bytes.length;
  }
}

const COLOUR_NAMES = [['red', 'r', 'diffuse_red'], ['green', 'g', 'diffuse_green'], ['blue', 'b', 'diffuse_blue']] as const;
const UV_NAMES = [['u', 's', 'texture_u', 'texture_s'], ['v', 't', 'texture_v', 'texture_t']] as const;

/** Decodes PLY bytes; `file` names the file in errors. */
export function decodePly(bytes: Uint8Array, file = '<bytes>'): MeshData {
  const header = parseHeader(bytes, file);
  const body = new BodyReader(bytes, header, file);
  const vertexEl = header.elements.find((e) => e.name === 'vertex');
  if (!vertexEl) throw new IOError(`${file}: no 'vertex' element`, file);
  const index = (names: readonly string[]) => vertexEl.properties.findIndex((p) => names.includes(p.name));
  const xyz = ['x', 'y', 'z'].map((n) => index([n]));
  if (xyz.some((i) => i < 0)) throw new IOError(`${file}: the vertex element lacks x, y or z`, file);
  const nxyz = ['nx', 'ny', 'nz'].map((n) => index([n]));
  const rgb = COLOUR_NAMES.map((names) => index(names));
  const uv = UV_NAMES.map((names) => index(names));
  const hasNormals = nxyz.every((i) => i >= 0), hasColours = rgb.every((i) => i >= 0), hasUvs = uv.every((i) => i >= 0);
  const V = vertexEl.count;
  const vertices = new Float32Array(V * 3);
  const normals = hasNormals ? new Float32Array(V * 3) : undefined;
  const colors = hasColours ? new Float32Array(V * 3) : undefined;
  const uvs = hasUvs ? new Float32Array(V * 2) : undefined;
  const faces: number[] = [];
  let facesSeen = false;
  for (const el of header.elements) {
    const isVertex = el === vertexEl;
    const isFace = el.name === 'face' && !facesSeen;
    if (isFace) facesSeen = true;
    const values = new Float64Array(el.properties.length);
    for (let i = 0; i < el.count; i++) {
      body.begin(`${el.name} ${i}`);
      let polygon: number[] | null = null;
      el.properties.forEach((prop, k) => {
        const where = () => `${el.name} ${i} (${prop.name})`;
        if (prop.countType) {
          const n = body.read(prop.countType, where);
          if (!(Number.isInteger(n) && n >= 0)) throw new IOError(`${file}: ${where()}: bad list length ${n}`, file);
          const list = Array.from({ length: n }, () => body.read(prop.type, where));
          if (isFace && (prop.name === 'vertex_indices' || prop.name === 'vertex_index')) polygon = list;
        } else {
          values[k] = body.read(prop.type, where);
        }
      });
      body.end(`${el.name} ${i}`);
      if (isVertex) {
        for (let a = 0; a < 3; a++) {
          const v = values[xyz[a]!]!;
          if (!Number.isFinite(v)) throw new IOError(`${file}: vertex ${i}: ${'xyz'[a]} is ${v}`, file);
          vertices[i * 3 + a] = v;
          if (normals) normals[i * 3 + a] = values[nxyz[a]!]!;
          if (colors) {
            const prop = vertexEl.properties[rgb[a]!]!;
            const c = values[rgb[a]!]!;
            colors[i * 3 + a] = prop.type === 'float32' || prop.type === 'float64' ? c : c / (prop.type === 'uint16' ? 65535 : 255);
          }
        }
        if (uvs) {
          uvs[i * 2] = values[uv[0]!]!;
          uvs[i * 2 + 1] = values[uv[1]!]!;
        }
      } else if (isFace) {
        const poly = polygon as number[] | null;
        if (!poly) throw new IOError(`${file}: face ${i}: no vertex_indices list`, file);
        if (poly.length < 3) throw new IOError(`${file}: face ${i}: ${poly.length} vertices (a face needs at least 3)`, file);
        for (const v of poly) {
          if (!(Number.isInteger(v) && v >= 0 && v < V)) throw new IOError(`${file}: face ${i}: index ${v} is past the ${V} vertices`, file);
        }
        for (let k = 1; k + 1 < poly.length; k++) faces.push(poly[0]!, poly[k]!, poly[k + 1]!);
      }
    }
  }
  if (body.leftover()) throw new IOError(`${file}: data after the last element (the header's counts are too small)`, file);
  return {
    vertices,
    faces: Uint32Array.from(faces),
    ...(normals ? { normals } : {}),
    ...(colors ? { colors } : {}),
    ...(uvs ? { uvs } : {}),
    ...(header.textureFile ? { textureFile: header.textureFile } : {}),
  };
}

/**
 * Encodes a mesh as binary little-endian PLY: x y z (float), nx ny nz when given, red green
 * blue (uchar) when given, and triangle faces (uchar count, int indices).
 */
export function encodePly(mesh: MeshData, comments: readonly string[] = []): Uint8Array {
  const V = mesh.vertices.length / 3, F = mesh.faces.length / 3;
  const lines = ['ply', 'format binary_little_endian 1.0', ...comments.map((c) => `comment ${c}`), `element vertex ${V}`, 'property float x', 'property float y', 'property float z'];
  if (mesh.normals) lines.push('property float nx', 'property float ny', 'property float nz');
  if (mesh.colors) lines.push('property uchar red', 'property uchar green', 'property uchar blue');
  lines.push(`element face ${F}`, 'property list uchar int vertex_indices', 'end_header', '');
  const head = new TextEncoder().encode(lines.join('\n'));
  const perVertex = 12 + (mesh.normals ? 12 : 0) + (mesh.colors ? 3 : 0);
  const out = new Uint8Array(head.length + V * perVertex + F * 13);
  out.set(head);
  const view = new DataView(out.buffer);
  let o = head.length;
  for (let i = 0; i < V; i++) {
    for (let a = 0; a < 3; a++, o += 4) view.setFloat32(o, mesh.vertices[i * 3 + a]!, true);
    if (mesh.normals) for (let a = 0; a < 3; a++, o += 4) view.setFloat32(o, mesh.normals[i * 3 + a]!, true);
    if (mesh.colors) for (let a = 0; a < 3; a++, o += 1) view.setUint8(o, Math.round(255 * Math.min(1, Math.max(0, mesh.colors[i * 3 + a]!))));
  }
  for (let f = 0; f < F; f++) {
    view.setUint8(o, 3);
    o += 1;
    for (let a = 0; a < 3; a++, o += 4) view.setInt32(o, mesh.faces[f * 3 + a]!, true);
  }
  return out;
}
