/** Data: seeded randomness, mini-batching, and IDX / PNG file I/O. */
export { Random, deriveSeed } from './random.js';
export type { RandomState } from './random.js';
export { batchCount, epochBatches } from './batching.js';
export type { BatchOptions } from './batching.js';
export { decodeIdx, encodeIdx, readIdx, writeIdx } from './idx.js';
export type { IdxArray, IdxData, IdxDtype, WriteIdxOptions } from './idx.js';
export { decodePng, encodePng, readPng, writePng } from './png.js';
export type { PngImage, PngInput, WritePngOptions } from './png.js';
export { writeFileAtomic } from './atomic_write.js';
export { crc32 } from './crc32.js';
export { readBytes } from './read_bytes.js';
export { centredAffine, voxelCount } from './volume.js';
export type { Volume } from './volume.js';
export { decodeNifti, encodeNifti, readNifti, writeNifti } from './nifti.js';
export type { EncodeNiftiOptions, NiftiDatatype, NiftiImage } from './nifti.js';
export { assertSameGrid } from './nifti_grid.js';
