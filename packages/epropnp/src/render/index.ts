/** The renderer: meshes and objects, procedural textures, crops, the z-buffer rasteriser, shading. */
export { axisAngleMatrix, checkMesh, meshDiameter, meshHalfExtent, normalizeVertices, symmetryRotations } from './mesh.js';
export type { Mesh, ObjectInfo, ObjectModel, Symmetry } from './mesh.js';
export { loadObject, texturedModel, OBJECT_NAMES } from './objects.js';
export type { ObjectName } from './objects.js';
export { proceduralColors } from './texture.js';
export { cropIntrinsics, cropOrigin, cropPixelToImage, cropImage } from './crop.js';
export type { CropBox } from './crop.js';
export { createRasterBuffers, interpolateAttribute, rasterize, transformPoints } from './rasterize.js';
export type { RasterBuffers } from './rasterize.js';
export { faceShading } from './shading.js';
export type { Light } from './shading.js';
export { drawBackground, drawShape } from './background.js';
export { drawOccluders } from './occlusion.js';
export { decodePly, encodePly } from './ply.js';
export type { MeshData } from './ply.js';
export { decodeObj, decodeMtl, mtlLibraries } from './obj.js';
export { meshModel, parseSymmetry } from './mesh_model.js';
export type { MeshModelOptions, MeshUnits } from './mesh_model.js';
