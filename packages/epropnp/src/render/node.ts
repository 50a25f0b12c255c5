/** Rendering under Node: everything in index.ts, plus mesh files (PLY, OBJ with MTL and texture). */
export * from './index.js';
export { readMesh, readMeshData } from './mesh_files.js';
