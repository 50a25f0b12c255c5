/**
 * A user's mesh as an object the renderer, the pose metrics and the network can use. The mesh
 * keeps its own origin and axes: only `units` and `scale` change it (no centring, no rescaling),
 * so rendered poses and BOP output are poses of the input mesh. Colours: the file's vertex
 * colours, else its texture sampled at the vertices' texture coordinates, else a procedural
 * texture (invariant under the symmetry, so the symmetry is real).
 */
import { ValueError, type data } from '@lacuna/core';
import { checkMesh, meshDiameter, meshHalfExtent, type ObjectModel, type Symmetry } from './mesh.js';
import type { MeshData } from './ply.js';
import { proceduralColors } from './texture.js';

export type MeshUnits = 'm' | 'mm';

export interface MeshModelOptions {
  /** The object's name (data sets and model folders record it). */
  readonly name: string;
  /** The units the file is in. */
  readonly units: MeshUnits;
  /** Extra factor applied after the unit conversion. Default 1. */
  readonly scale?: number;
  readonly symmetry?: Symmetry;
  /** The object-frame axis pointing up, for LineMOD-like views from above. Default +z. */
  readonly up?: readonly [number, number, number];
  /** The texture image the file names, decoded (sampled at the vertices' texture coordinates). */
  readonly texture?: data.PngImage;
  /** Seed of the procedural texture when the mesh has no colours. Default 7. */
  readonly textureSeed?: number;
}

/** The texture's colour at (u, v) (v up, as OBJ and PLY have it), nearest pixel. */
function sampleTexture(t: data.PngImage, u: number, v: number, out: Float32Array, o: number): void {
  const [h, w, c] = t.shape;
  const x = Math.min(w - 1, Math.max(0, Math.floor((u - Math.floor(u)) * w)));
  const y = Math.min(h - 1, Math.max(0, Math.floor((1 - (v - Math.floor(v))) * h)));
  for (let k = 0; k < 3; k++) out[o + k] = t.data[(y * w + x) * c + (c >= 3 ? k : 0)]!;
}

export function meshModel(mesh: MeshData, o: MeshModelOptions): ObjectModel {
  const what = `mesh '${o.name}'`;
  if (o.units !== 'm' && o.units !== 'mm') throw new ValueError(`${what}: units must be 'm' or 'mm', got '${String(o.units)}'`);
  const scale = (o.units === 'mm' ? 0.001 : 1) * (o.scale ?? 1);
  if (!(scale > 0 && Number.isFinite(scale))) throw new ValueError(`${what}: scale must be a positive number, got ${o.scale}`);
  if (mesh.faces.length === 0) throw new ValueError(`${what}: no faces (a point cloud cannot be rendered)`);
  const vertices = Float32Array.from(mesh.vertices, (x) => x * scale);
  checkMesh({ vertices, faces: mesh.faces }, what);
  const diameter = meshDiameter(vertices);
  if (!(diameter > 0)) throw new ValueError(`${what}: all vertices coincide`);
  // Catch the usual unit slip before it renders an empty or a screen-filling object.
  if (diameter > 5) throw new ValueError(`${what}: ${diameter.toFixed(1)} m across in '${o.units}'; is the file in millimetres (--units mm)?`);
  if (diameter < 0.002) throw new ValueError(`${what}: ${(diameter * 1000).toFixed(3)} mm across in '${o.units}'; is the file in metres (--units m), or does it need --scale?`);
  const symmetry = o.symmetry ?? { kind: 'none' };
  let colors: Float32Array;
  if (mesh.colors) {
    colors = Float32Array.from(mesh.colors);
  } else if (o.texture && mesh.uvs) {
    colors = new Float32Array(vertices.length);
    for (let i = 0; i < vertices.length / 3; i++) sampleTexture(o.texture, mesh.uvs[i * 2]!, mesh.uvs[i * 2 + 1]!, colors, i * 3);
  } else {
    colors = proceduralColors(vertices, symmetry, diameter, o.textureSeed ?? 7);
  }
  return { name: o.name, mesh: { vertices, faces: mesh.faces }, diameter, halfExtent: meshHalfExtent(vertices), symmetry, up: o.up ?? [0, 0, 1], colors };
}

/**
 * A symmetry from its command-line spelling: `none`, `discrete:AXIS:ORDER` or
 * `continuous:AXIS`, AXIS one of x, y, z or three numbers joined by commas (e.g. `discrete:z:2`).
 */
export function parseSymmetry(spec: string): Symmetry {
  const parts = spec.split(':');
  const axisOf = (s: string | undefined): [number, number, number] => {
    const named: Record<string, [number, number, number]> = { x: [1, 0, 0], y: [0, 1, 0], z: [0, 0, 1] };
    if (s && named[s]) return named[s]!;
    const v = (s ?? '').split(',').map(Number);
    if (v.length !== 3 || v.some((x) => !Number.isFinite(x)) || Math.hypot(...v) === 0) throw new ValueError(`symmetry '${spec}': the axis must be x, y, z or three numbers 'a,b,c', got '${s}'`);
    const n = Math.hypot(...v);
    return [v[0]! / n, v[1]! / n, v[2]! / n];
  };
  if (parts[0] === 'none' && parts.length === 1) return { kind: 'none' };
  if (parts[0] === 'continuous' && parts.length === 2) return { kind: 'continuous', axis: axisOf(parts[1]) };
  if (parts[0] === 'discrete' && parts.length === 3) {
    const order = Number(parts[2]);
    if (!(Number.isInteger(order) && order >= 2)) throw new ValueError(`symmetry '${spec}': the order must be an integer >= 2`);
    return { kind: 'discrete', axis: axisOf(parts[1]), order };
  }
  throw new ValueError(`symmetry '${spec}': expected none, discrete:AXIS:ORDER or continuous:AXIS (e.g. discrete:z:2)`);
}
