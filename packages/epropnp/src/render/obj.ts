/**
 * Wavefront OBJ meshes: `v x y z [r g b]`, `vt u v`, `vn x y z`, `f` with `v`, `v/vt`,
 * `v//vn` or `v/vt/vn` corners (negative indices count from the end; polygons split into
 * fans), and the diffuse colour `Kd` of MTL materials (`mtllib` / `usemtl`), given to the
 * vertices of the faces that use them. Other statements are skipped. Errors name the file and
 * the line.
 */
import { IOError } from '@lacuna/core';
import type { MeshData } from './ply.js';

/** MTL materials: name -> diffuse colour Kd, and the diffuse texture map_Kd if any. */
export function decodeMtl(text: string, file = '<mtl>'): Map<string, { kd: [number, number, number]; mapKd?: string }> {
  const out = new Map<string, { kd: [number, number, number]; mapKd?: string }>();
  let current: { kd: [number, number, number]; mapKd?: string } | null = null;
  text.split(/\r?\n/).forEach((raw, n) => {
    const parts = raw.trim().split(/\s+/);
    if (parts[0] === 'newmtl') {
      current = { kd: [0.8, 0.8, 0.8] };
      out.set(parts.slice(1).join(' '), current);
    } else if (parts[0] === 'Kd' && current) {
      const kd = parts.slice(1, 4).map(Number);
      if (kd.length !== 3 || kd.some((v) => !Number.isFinite(v))) throw new IOError(`${file}: line ${n + 1}: bad Kd '${raw.trim()}'`, file);
      current.kd = kd as [number, number, number];
    } else if (parts[0] === 'map_Kd' && current) {
      current.mapKd = parts[parts.length - 1];
    }
  });
  return out;
}

/**
 * Decodes OBJ text; `materials` are the MTL materials its `usemtl` lines name (decodeMtl of
 * the file its `mtllib` names; see mtlLibraries). Vertex colours come from `v x y z r g b`,
 * else from the materials' Kd.
 */
export function decodeObj(text: string, file = '<obj>', materials: ReadonlyMap<string, { kd: [number, number, number]; mapKd?: string }> = new Map()): MeshData {
  const fail = (n: number, why: string): never => {
    throw new IOError(`${file}: line ${n + 1}: ${why}`, file);
  };
  const v: number[] = [], vc: number[] = [], vt: number[] = [], vn: number[] = [];
  let vertexColours = true;
  // Corners are deduplicated by (position, texture, normal) index triple.
  const corners = new Map<string, number>();
  const cornerPos: number[] = [], cornerUv: number[] = [], cornerNormal: number[] = [], cornerColour: number[] = [];
  const faces: number[] = [];
  let material: { kd: [number, number, number]; mapKd?: string } | undefined;
  let texture: string | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, n) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const parts = line.split(/\s+/);
    const nums = (from: number, count: number) => {
      const out = parts.slice(from, from + count).map(Number);
      if (out.length < count || out.some((x) => !Number.isFinite(x))) fail(n, `expected ${count} finite numbers in '${line}'`);
      return out;
    };
    switch (parts[0]) {
      case 'v': {
        v.push(...nums(1, 3));
        if (parts.length >= 7) vc.push(...nums(4, 3));
        else vertexColours = false;
        break;
      }
      case 'vt': vt.push(...nums(1, 2)); break;
      case 'vn': vn.push(...nums(1, 3)); break;
      case 'usemtl': {
        const name = parts.slice(1).join(' ');
        material = materials.get(name);
        if (material?.mapKd) texture ??= material.mapKd;
        break;
      }
      case 'f': {
        if (parts.length < 4) fail(n, `a face needs at least 3 corners: '${line}'`);
        const ids = parts.slice(1).map((c) => {
          const [pi, ti, ni] = c.split('/');
          const resolve = (s: string | undefined, count: number, what: string): number => {
            if (s === undefined || s === '') return -1;
            const k = Number(s);
            if (!Number.isInteger(k) || k === 0) fail(n, `bad ${what} index '${s}' in '${line}'`);
            const idx = k > 0 ? k - 1 : count + k;
            if (idx < 0 || idx >= count) fail(n, `${what} index ${k} is past the ${count} ${what}s defined so far`);
            return idx;
          };
          const p = resolve(pi, v.length / 3, 'vertex');
          if (p < 0) fail(n, `a corner without a vertex index in '${line}'`);
          const t = resolve(ti, vt.length / 2, 'texture coordinate');
          const q = resolve(ni, vn.length / 3, 'normal');
          const key = `${p}/${t}/${q}/${vertexColours ? '' : (material?.kd.join(',') ?? '')}`;
          let id = corners.get(key);
          if (id === undefined) {
            id = cornerPos.length;
            corners.set(key, id);
            cornerPos.push(p); cornerUv.push(t); cornerNormal.push(q);
            cornerColour.push(...(material?.kd ?? [0.8, 0.8, 0.8]));
          }
          return id;
        });
        for (let k = 1; k + 1 < ids.length; k++) faces.push(ids[0]!, ids[k]!, ids[k + 1]!);
        break;
      }
      default:
        break;
    }
  });
  if (v.length === 0) throw new IOError(`${file}: no vertices ('v' lines)`, file);
  // Vertices no face uses are kept (a point cloud still has a diameter), after the corners.
  const used = new Set(cornerPos);
  const loose: number[] = [];
  for (let p = 0; p < v.length / 3; p++) if (!used.has(p)) loose.push(p);
  const order = [...cornerPos, ...loose];
  const V = order.length;
  const vertices = new Float32Array(V * 3);
  order.forEach((p, i) => vertices.set(v.slice(p * 3, p * 3 + 3), i * 3));
  const hasUv = cornerUv.length > 0 && cornerUv.every((t) => t >= 0);
  const hasNormal = cornerNormal.length > 0 && cornerNormal.every((q) => q >= 0);
  const hasMaterial = materials.size > 0;
  let colors: Float32Array | undefined;
  if (vertexColours && vc.length === v.length) {
    colors = new Float32Array(V * 3);
    order.forEach((p, i) => colors!.set(vc.slice(p * 3, p * 3 + 3), i * 3));
  } else if (hasMaterial) {
    colors = new Float32Array(V * 3).fill(0.8);
    colors.set(cornerColour);
  }
  return {
    vertices,
    faces: Uint32Array.from(faces),
    ...(hasNormal && loose.length === 0 ? { normals: Float32Array.from(cornerNormal.flatMap((q) => vn.slice(q * 3, q * 3 + 3))) } : {}),
    ...(colors ? { colors } : {}),
    ...(hasUv && loose.length === 0 ? { uvs: Float32Array.from(cornerUv.flatMap((t) => vt.slice(t * 2, t * 2 + 2))) } : {}),
    ...(texture ? { textureFile: texture } : {}),
  };
}

/** The MTL files an OBJ's `mtllib` lines name. */
export function mtlLibraries(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim().startsWith('mtllib ')).map((l) => l.trim().slice(7).trim());
}
