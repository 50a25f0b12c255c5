/** Mesh files on disk (Node): PLY or OBJ (with its MTL files and texture image beside it) to an object model. */
import { basename, dirname, extname, join } from 'node:path';
import { data, IOError } from '@lacuna/core';
import { meshModel, type MeshModelOptions } from './mesh_model.js';
import { decodeMtl, decodeObj, mtlLibraries } from './obj.js';
import { decodePly, type MeshData } from './ply.js';
import type { ObjectModel } from './mesh.js';

/** Reads a .ply or .obj file (an OBJ's MTL libraries are read from beside it when present). */
export async function readMeshData(path: string): Promise<MeshData> {
  const ext = extname(path).toLowerCase();
  const bytes = await data.readBytes(path, 'readMesh');
  if (ext === '.ply') return decodePly(bytes, path);
  if (ext === '.obj') {
    const text = new TextDecoder().decode(bytes);
    const materials = new Map<string, { kd: [number, number, number]; mapKd?: string }>();
    for (const lib of mtlLibraries(text)) {
      const mtlPath = join(dirname(path), lib);
      for (const [k, v] of decodeMtl(new TextDecoder().decode(await data.readBytes(mtlPath, 'readMesh')), mtlPath)) materials.set(k, v);
    }
    return decodeObj(text, path, materials);
  }
  throw new IOError(`readMesh: ${path}: unknown mesh format '${ext}' (expected .ply or .obj)`, path);
}

/** Reads a mesh file as an object model; its texture image (PNG) is read from beside it when named. */
export async function readMesh(path: string, options: Omit<MeshModelOptions, 'name' | 'texture'> & { name?: string }): Promise<ObjectModel> {
  const mesh = await readMeshData(path);
  let texture: data.PngImage | undefined;
  if (!mesh.colors && mesh.uvs && mesh.textureFile && mesh.textureFile.toLowerCase().endsWith('.png')) {
    texture = await data.readPng(join(dirname(path), mesh.textureFile));
  }
  const name = options.name ?? basename(path).replace(/\.[^.]+$/, '');
  return meshModel(mesh, { ...options, name, ...(texture ? { texture } : {}) });
}
