/** Missing-modality completion for multi-modal diagnosis: phantom slabs, PET availability, classifiers, completion generators, the experiment. */
export { diagnosisConfigSchema, diagnosisSettingsSchema, DEFAULT_DIAGNOSIS_CONFIG, parseDiagnosisConfig, loadDiagnosisConfig } from './diagnosis_config.js';
export type { DiagnosisConfig, DiagnosisSettings } from './diagnosis_config.js';
export { buildSlabCohort, slabSliceIndices, CohortCache } from './slab_cohort.js';
export type { SlabCohort, SlabCohortOptions } from './slab_cohort.js';
export { planAvailability } from './availability.js';
export type { AvailabilityPlan } from './availability.js';
export { gatherSlabs, disposeBatch, slabChannels, NO_AUGMENTATION } from './slab_batch.js';
export type { Augmentation, SlabBatch } from './slab_batch.js';
export { buildSlabClassifier, classifierLoss, trainClassifier, classifierLogits, diagnosisScores, drawSubjects } from './slab_classifier.js';
export type { SlabClassifierOptions, ClassifierBatch, ClassifierTraining, DiagnosisScores } from './slab_classifier.js';
export { buildCompletionGenerator, trainCompletionL1, completeWithGenerator, completeWithMean, jointClassifierLoss, jointGeneratorLoss, drawJointBatch, trainJointly } from './pet_completion.js';
export type { CompletionGeneratorOptions, GeneratorTraining, JointTraining } from './pet_completion.js';
export { runMissingModalityExperiment, runDiagnosisExperiments, runDiagnosisSeed, hideMissingPet, petMae, summarize, DiagnosisCache, DIAGNOSIS_METHODS } from './missing_modality_experiment.js';
export type { DiagnosisMethod, MethodScores, SeedScores, Stat, MissingModalityResult, MissingModalityOptions, DiagnosisProgress, DiagnosisReport } from './missing_modality_experiment.js';
