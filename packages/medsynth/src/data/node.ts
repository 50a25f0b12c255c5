/** The data pipeline under Node: everything in index.ts, plus subjects from NIfTI files. */
export * from './index.js';
export { loadPairedSubject, phantomSubjectFiles } from './paired_files.js';
export { scanBids, bidsSubjects, parseBidsName } from './bids.js';
export type { BidsImage, BidsSelection, BidsSubjects, SkippedSubject } from './bids.js';
export { readDatalist } from './datalist.js';
export { readVolume, volumeFromItkImage, VOLUME_EXTENSIONS } from './volume_files.js';
