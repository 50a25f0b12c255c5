import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IOError } from '@lacuna/core';
import { decodePly, encodePly } from './ply.js';
import { decodeMtl, decodeObj } from './obj.js';
import { meshModel, parseSymmetry } from './mesh_model.js';
import { readMesh } from './mesh_files.js';

const enc = (s: string) => new TextEncoder().encode(s);

// A unit right tetrahedron plus a square on z = 1 (a quad face), written by hand.
const ASCII_PLY = `ply
format ascii 1.0
comment made by hand
comment TextureFile tex.png
element vertex 8
property float x
property float y
property float z
property float nx
property float ny
property float nz
property uchar red
property uchar green
property uchar blue
property float confidence
property float s
property float t
element face 5
property list uchar int vertex_indices
element edge 1
property int vertex1
property int vertex2
end_header
0 0 0  0 0 -1  255 0 0  0.5  0 0
1 0 0  0 0 -1  0 255 0  0.5  1 0
0 1 0  0 0 -1  0 0 255  0.5  0 1
0 0 1  0 0 1   255 255 255 0.5  1 1
0 0 2  0 0 1   10 20 30  0.5  0 0
1 0 2  0 0 1   10 20 30  0.5  1 0
1 1 2  0 0 1   10 20 30  0.5  1 1
0 1 2  0 0 1   10 20 30  0.5  0 1
3 0 2 1
3 0 1 3
3 0 3 2
3 1 2 3
4 4 5 6 7
0 1
`;

test('PLY (ASCII): positions, normals, colours, texture coordinates; quads split; unknown properties and elements skipped', () => {
  const m = decodePly(enc(ASCII_PLY), 'hand.ply');
  assert.deepEqual(Array.from(m.vertices.subarray(0, 12)), [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
  assert.deepEqual(Array.from(m.faces), [0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3, 4, 5, 6, 4, 6, 7]);
  assert.deepEqual(Array.from(m.normals!.subarray(9, 12)), [0, 0, 1]);
  assert.deepEqual(Array.from(m.colors!.subarray(0, 6)), [1, 0, 0, 0, 1, 0]);
  assert.ok(Math.abs(m.colors![12]! - 10 / 255) < 1e-7);
  assert.deepEqual(Array.from(m.uvs!.subarray(2, 4)), [1, 0]);
  assert.equal(m.textureFile, 'tex.png');
});

/** The same mesh as binary PLY, little or big endian, with a double x and a short-counted list. */
function binaryPly(little: boolean): Uint8Array {
  const header = enc(`ply\nformat binary_${little ? 'little' : 'big'}_endian 1.0\nelement vertex 4\nproperty double x\nproperty float y\nproperty float z\nproperty uchar alpha\nelement face 2\nproperty list ushort uint vertex_indices\nend_header\n`);
  const body = new Uint8Array(4 * (8 + 4 + 4 + 1) + 2 * (2 + 3 * 4) + (2 + 4 * 4) - 14);
  const v = new DataView(body.buffer);
  let o = 0;
  const verts = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]];
  for (const [x, y, z] of verts) {
    v.setFloat64(o, x!, little); o += 8;
    v.setFloat32(o, y!, little); o += 4;
    v.setFloat32(o, z!, little); o += 4;
    v.setUint8(o, 255); o += 1;
  }
  // A triangle and a quad (split into two).
  v.setUint16(o, 3, little); o += 2;
  for (const i of [0, 2, 1]) { v.setUint32(o, i, little); o += 4; }
  v.setUint16(o, 4, little); o += 2;
  for (const i of [0, 1, 3, 2]) { v.setUint32(o, i, little); o += 4; }
  const out = new Uint8Array(header.length + o);
  out.set(header);
  out.set(body.subarray(0, o), header.length);
  return out;
}

test('PLY (binary little- and big-endian) read alike; encodePly round-trips', () => {
  for (const little of [true, false]) {
    const m = decodePly(binaryPly(little), 'bin.ply');
    assert.deepEqual(Array.from(m.vertices), [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
    assert.deepEqual(Array.from(m.faces), [0, 2, 1, 0, 1, 3, 0, 3, 2]);
    assert.equal(m.colors, undefined);
  }
  const a = decodePly(enc(ASCII_PLY), 'hand.ply');
  const back = decodePly(encodePly({ vertices: a.vertices, faces: a.faces, normals: a.normals!, colors: a.colors! }, ['round trip']), 'back.ply');
  assert.deepEqual(back.vertices, a.vertices);
  assert.deepEqual(back.faces, a.faces);
  assert.deepEqual(back.normals, a.normals);
  assert.deepEqual(Array.from(back.colors!, (c) => Math.round(c * 255)), Array.from(a.colors!, (c) => Math.round(c * 255)));
});

test('bad PLY files: errors name the file and the element', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['truncated binary', binaryPly(true).subarray(0, binaryPly(true).length - 20), /cut\.ply: (vertex|face) \d+ \(\w+\): the file ends early/],
    ['fewer vertices than declared', enc(ASCII_PLY.replace('element vertex 8', 'element vertex 9')), /cut\.ply: vertex 8 \(ny\): the line ends early \(4 values/],
    ['more data than declared', enc(ASCII_PLY.replace('element edge 1', 'element edge 0')), /cut\.ply: data after the last element/],
    ['NaN vertex', enc(ASCII_PLY.replace('1 0 0  0 0 -1', 'nan 0 0  0 0 -1')), /cut\.ply: vertex 1: x is NaN/],
    ['index past the vertices', enc(ASCII_PLY.replace('3 1 2 3', '3 1 2 30')), /cut\.ply: face 3: index 30 is past the 8 vertices/],
    ['not a number', enc(ASCII_PLY.replace('0.5  1 1', 'abc  1 1')), /cut\.ply: vertex 3 \(confidence\): 'abc' is not a number/],
    ['not PLY', enc('solid cube\nfacet normal 0 0 1\n'), /cut\.ply: not a PLY file/],
    ['no end_header', enc('ply\nformat ascii 1.0\nelement vertex 3\n'), /cut\.ply: no 'end_header' line/],
  ];
  for (const [what, bytes, why] of cases) {
    assert.throws(() => decodePly(bytes, 'cut.ply'), (e: unknown) => e instanceof IOError && why.test((e as Error).message), what);
  }
});

const OBJ = `# a unit square on z = 0 (two materials) and an apex
mtllib two.mtl
v 0 0 0
v 1 0 0
v 1 1 0
v 0 1 0
v 0.5 0.5 1
vn 0 0 -1
usemtl red
f 1//1 4//1 3//1 2//1
usemtl blue
f -5 -4 -1
`;
const MTL = `newmtl red
Kd 1 0 0
newmtl blue
Kd 0 0 1
`;

test('OBJ with MTL: quads split, negative indices, diffuse colours per material; bad lines name the line', () => {
  const m = decodeObj(OBJ, 'two.obj', decodeMtl(MTL, 'two.mtl'));
  // Corners are deduplicated by (vertex, texture, normal, colour): the quad's 4, then the triangle's 3.
  assert.equal(m.vertices.length / 3, 7);
  assert.deepEqual(Array.from(m.faces), [0, 1, 2, 0, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(m.vertices.subarray(18, 21)), [0.5, 0.5, 1]);
  assert.deepEqual(Array.from(m.colors!.subarray(0, 3)), [1, 0, 0]);
  assert.deepEqual(Array.from(m.colors!.subarray(12, 15)), [0, 0, 1]);
  assert.throws(() => decodeObj('v 0 0 0\nv 1 0 0\nf 1 2 9\n', 'bad.obj'), /bad\.obj: line 3: vertex index 9 is past the 2 vertexs defined so far/);
  assert.throws(() => decodeObj('v 0 0 x\n', 'bad.obj'), /bad\.obj: line 1: expected 3 finite numbers/);
  assert.throws(() => decodeObj('# nothing\n', 'empty.obj'), /empty\.obj: no vertices/);
});

test('meshModel keeps the mesh origin and axes, converts units, and catches a unit slip', async () => {
  const m = decodePly(enc(ASCII_PLY), 'hand.ply');
  const mm = { ...m, vertices: Float32Array.from(m.vertices, (x) => x * 100) }; // 100 mm edges
  const model = meshModel(mm, { name: 'hand', units: 'mm' });
  assert.ok(Math.abs(model.mesh.vertices[3]! - 0.1) < 1e-7 && model.mesh.vertices[0] === 0, 'no centring: vertex 0 stays at the origin');
  assert.ok(Math.abs(model.diameter - Math.hypot(0.1, 0.1, 0.2)) < 1e-6);
  assert.deepEqual(Array.from(model.colors.subarray(0, 3)), [1, 0, 0]);
  assert.throws(() => meshModel(mm, { name: 'hand', units: 'm' }), /244\.9 m across in 'm'; is the file in millimetres \(--units mm\)\?/);
  assert.ok(Math.abs(meshModel(mm, { name: 'hand', units: 'mm', scale: 2 }).mesh.vertices[3]! - 0.2) < 1e-7);
  assert.deepEqual(parseSymmetry('discrete:z:2'), { kind: 'discrete', axis: [0, 0, 1], order: 2 });
  assert.throws(() => parseSymmetry('discrete:q:2'), /the axis must be x, y, z/);

  // From disk, an OBJ with its MTL beside it.
  const dir = await mkdtemp(join(tmpdir(), 'lacuna-mesh-'));
  try {
    await writeFile(join(dir, 'two.obj'), OBJ.replace(/(v [\d.]+ [\d.]+ [\d.]+)/g, (s) => s.split(' ').map((t, i) => (i === 0 ? t : String(Number(t) * 0.1))).join(' ')));
    await writeFile(join(dir, 'two.mtl'), MTL);
    const obj = await readMesh(join(dir, 'two.obj'), { units: 'm' });
    assert.equal(obj.name, 'two');
    assert.deepEqual(Array.from(obj.colors.subarray(12, 15)), [0, 0, 1]);
    await assert.rejects(readMesh(join(dir, 'none.ply'), { units: 'm' }), /readMesh: cannot read .*none\.ply/);
    await assert.rejects(readMesh(join(dir, 'two.stl'), { units: 'm' }), /cannot read|unknown mesh format/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
