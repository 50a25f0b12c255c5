/** The phantom under Node: everything in index.ts, plus writing cohorts as NIfTI folders. */
export * from './index.js';
export { writePhantom, writePhantomSubject, phantomDescription, PHANTOM_FILES, MODALITY_UNITS } from './write_phantom.js';
