/** The data pipeline: head masks, intensity normalisation, slice stacks, patches, splits, paired subjects. */
export { headMask, otsuThreshold } from './head_mask.js';
export type { HeadMaskOptions } from './head_mask.js';
export { fitIntensityNorm, normalizeIntensity, denormalizeIntensity, maskedPercentile, medianNorm, modalityKind, MODALITY_KINDS } from './intensity_norm.js';
export type { IntensityNorm, ModalityKind, NormSettings } from './intensity_norm.js';
export { axialStack, cropSlices, concatStacks, stackRange, paddedSize } from './slice_stack.js';
export type { SliceStack, AxialStackOptions } from './slice_stack.js';
export { gatherSlices, gatherWindows, samplePatches } from './patches.js';
export type { PairedBatch } from './patches.js';
export { splitSubjects } from './subject_split.js';
export type { SubjectSplit, SplitOptions } from './subject_split.js';
export { pairSubject, stackSubjects } from './paired_volumes.js';
export type { SubjectFiles, PairedSubject, PairedStacks, ModalityOptions, StackOptions, VolumeReader } from './paired_volumes.js';
export { subjectGeometry } from './subject_geometry.js';
export type { GeometryOptions, SubjectGeometry } from './subject_geometry.js';
export { augmentBatch } from './augment.js';
export type { BatchAugment } from './augment.js';
