/** Data under Node: everything in index.ts, plus reading and writing files. */
export * from './index.js';
export { readIdx, writeIdx, readPng, writePng, readImage, readNifti, writeNifti } from './files.js';
export { writeFileAtomic } from './atomic_write.js';
export { readBytes } from './read_bytes.js';
