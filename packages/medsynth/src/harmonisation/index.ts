/** Harmonisation across sites: intensity standardisation (Nyúl) and the site-change experiment (Node: it writes phantoms). */
export { NYUL_PERCENTILES, intensityLandmarks, learnStandardScale, standardiseIntensities } from './intensity_standardisation.js';
export type { StandardScale, MaskedImage } from './intensity_standardisation.js';
export { runHarmonisation, HARMONISATION_METHODS } from './harmonisation_experiment.js';
export type { HarmonisationOptions, HarmonisationResult, HarmonisationMethod } from './harmonisation_experiment.js';
