/**
 * @lacuna/medsynth/experiments: the missing-modality diagnosis experiment (MRI for every
 * subject, PET for some; MRI-only vs MRI+PET with the missing PET completed by the training
 * mean, an L1 generator, or one trained jointly with the classifier). `lacuna medsynth
 * diagnose` and `npm run bench -- task` run it.
 */
export * from './diagnosis/index.js';
