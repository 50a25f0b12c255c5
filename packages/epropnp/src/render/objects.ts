/**
 * The objects the LineMOD-style data set is rendered from:
 * - 'bunny': the Stanford bunny (npm `bunny`, 1839 vertices, 3674 triangles), centred on its
 *   bounding box and scaled to a 0.15 m diameter (LineMOD objects span about 0.10–0.30 m);
 *   no symmetry.
 * - 'box': a 12 x 8 x 6 cm box (faces subdivided so the texture varies across them) whose
 *   texture is averaged over the 180° rotation about z: a discrete 2-fold symmetry about z
 *   (like LineMOD's eggbox and glue, which are evaluated with ADD-S).
 * - 'vase': a 14 cm tall closed surface of revolution about z with a texture that depends
 *   only on (radius, height): a continuous symmetry about z.
 * Textures are procedural per-vertex colours with a fixed seed per object, so every call
 * returns the same model.
 */
import bunny from 'bunny';
import { lookUpOption } from '@lacuna/core';
import { checkMesh, meshDiameter, meshHalfExtent, normalizeVertices, type Mesh, type ObjectModel, type Symmetry } from './mesh.js';
import { proceduralColors } from './texture.js';

export type ObjectName = 'bunny' | 'box' | 'vase';
export const OBJECT_NAMES: readonly ObjectName[] = ['bunny', 'box', 'vase'];

const BUNNY_DIAMETER_M = 0.15;
const TEXTURE_SEEDS: Record<ObjectName, number> = { bunny: 101, box: 202, vase: 303 };
/** The bunny scan stands on its y axis; box and vase are built along z. */
const UP_AXES: Record<ObjectName, [number, number, number]> = { bunny: [0, 1, 0], box: [0, 0, 1], vase: [0, 0, 1] };

const cache = new Map<ObjectName, ObjectModel>();

/** The named object model (built once, then cached). */
export function loadObject(name: ObjectName): ObjectModel {
  const key = lookUpOption(name, OBJECT_NAMES, 'object');
  let model = cache.get(key);
  if (!model) {
    model = buildObject(key);
    cache.set(key, model);
  }
  return model;
}

function buildObject(name: ObjectName): ObjectModel {
  const [mesh, symmetry] = name === 'bunny' ? bunnyMesh() : name === 'box' ? boxMesh(0.12, 0.08, 0.06, 8) : vaseMesh(0.14, 48, 24);
  checkMesh(mesh, `object '${name}'`);
  return texturedModel(name, mesh, symmetry, TEXTURE_SEEDS[name], UP_AXES[name]);
}

/** Attaches metadata and a procedural texture (invariant under `symmetry`) to a mesh. */
export function texturedModel(name: string, mesh: Mesh, symmetry: Symmetry, textureSeed: number, up: readonly [number, number, number] = [0, 0, 1]): ObjectModel {
  const diameter = meshDiameter(mesh.vertices);
  return {
    name,
    mesh,
    diameter,
    halfExtent: meshHalfExtent(mesh.vertices),
    symmetry,
    up,
    colors: proceduralColors(mesh.vertices, symmetry, diameter, textureSeed),
  };
}

function bunnyMesh(): [Mesh, Symmetry] {
  const raw = new Float32Array(bunny.positions.length * 3);
  bunny.positions.forEach((p, i) => raw.set(p, i * 3));
  const faces = new Uint32Array(bunny.cells.length * 3);
  bunny.cells.forEach((c, i) => faces.set(c, i * 3));
  return [{ vertices: normalizeVertices(raw, BUNNY_DIAMETER_M), faces }, { kind: 'none' }];
}

/** A centred box of full sizes sx, sy, sz; each face an n x n grid of quads. */
function boxMesh(sx: number, sy: number, sz: number, n: number): [Mesh, Symmetry] {
  const vertices: number[] = [];
  const faces: number[] = [];
  const half = [sx / 2, sy / 2, sz / 2];
  // Each face: the fixed axis, its sign, and the two in-plane axes ordered so (u x v) points outwards.
  const sides: [number, number, number, number][] = [
    [0, 1, 1, 2], [0, -1, 2, 1], [1, 1, 2, 0], [1, -1, 0, 2], [2, 1, 0, 1], [2, -1, 1, 0],
  ];
  for (const [axis, sign, ua, va] of sides) {
    const start = vertices.length / 3;
    for (let i = 0; i <= n; i++) {
      for (let j = 0; j <= n; j++) {
        const p = [0, 0, 0];
        p[axis] = sign * half[axis]!;
        p[ua] = (-1 + (2 * i) / n) * half[ua]!;
        p[va] = (-1 + (2 * j) / n) * half[va]!;
        vertices.push(...p);
      }
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const a = start + i * (n + 1) + j, b = a + n + 1;
        faces.push(a, b, b + 1, a, b + 1, a + 1);
      }
    }
  }
  return [{ vertices: Float32Array.from(vertices), faces: Uint32Array.from(faces) }, { kind: 'discrete', axis: [0, 0, 1], order: 2 }];
}

/** A closed surface of revolution about z, `height` tall: body rings plus two capped ends. */
function vaseMesh(height: number, segments: number, rings: number): [Mesh, Symmetry] {
  const radius = (t: number) => 0.022 + 0.022 * Math.sin(Math.PI * (0.1 + 0.8 * t)) ** 2 + 0.006 * Math.cos(3 * Math.PI * t);
  const vertices: number[] = [];
  const faces: number[] = [];
  for (let r = 0; r <= rings; r++) {
    const t = r / rings;
    const z = (t - 0.5) * height;
    for (let s = 0; s < segments; s++) {
      const a = (2 * Math.PI * s) / segments;
      vertices.push(radius(t) * Math.cos(a), radius(t) * Math.sin(a), z);
    }
  }
  for (let r = 0; r < rings; r++) {
    for (let s = 0; s < segments; s++) {
      const a = r * segments + s, b = r * segments + ((s + 1) % segments);
      faces.push(a, b, b + segments, a, b + segments, a + segments);
    }
  }
  const bottom = vertices.length / 3;
  vertices.push(0, 0, -height / 2);
  const top = bottom + 1;
  vertices.push(0, 0, height / 2);
  for (let s = 0; s < segments; s++) {
    const s1 = (s + 1) % segments;
    faces.push(bottom, s1, s);
    faces.push(top, rings * segments + s, rings * segments + s1);
  }
  return [{ vertices: Float32Array.from(vertices), faces: Uint32Array.from(faces) }, { kind: 'continuous', axis: [0, 0, 1] }];
}
