/** Data: seeded randomness, mini-batching, and the IDX / PNG / JPEG / NIfTI codecs (bytes in, bytes out). */
export { Random, deriveSeed } from './random.js';
export type { RandomState } from './random.js';
export { batchCount, epochBatches } from './batching.js';
export type { BatchOptions } from './batching.js';
export { decodeIdx, encodeIdx } from './idx.js';
export type { IdxArray, IdxData, IdxDtype, WriteIdxOptions } from './idx.js';
export { decodePng, encodePng } from './png.js';
export { decodeJpeg } from './jpeg.js';
export { decodeImage } from './image.js';
export type { PngImage, PngInput, WritePngOptions } from './png.js';
export { crc32 } from './crc32.js';
export { gzip, gunzipIfGzipped } from './gzip.js';
export { centredAffine, voxelCount } from './volume.js';
export type { Volume } from './volume.js';
export { decodeNifti, encodeNifti } from './nifti.js';
export type { EncodeNiftiOptions, NiftiDatatype, NiftiImage } from './nifti.js';
export { assertSameGrid, sameGrid } from './nifti_grid.js';
