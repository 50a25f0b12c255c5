/**
 * @lacuna/medsynth: cross-modality medical image synthesis — a simulated multi-modal brain
 * phantom, paired-volume data pipeline, a patch-based random-forest baseline, U-Net / ResNet
 * generators and pix2pix-style conditional GANs.
 */

// Data pipeline: masks, normalisation, slice stacks, patches, splits, paired subjects.
export { headMask, otsuThreshold } from './data/head_mask.js';
export type { HeadMaskOptions } from './data/head_mask.js';
export { fitIntensityNorm, normalizeIntensity, denormalizeIntensity, maskedPercentile, medianNorm, modalityKind, MODALITY_KINDS } from './data/intensity_norm.js';
export type { IntensityNorm, ModalityKind, NormSettings } from './data/intensity_norm.js';
export { axialStack, cropSlices, concatStacks, stackRange, paddedSize } from './data/slice_stack.js';
export type { SliceStack, AxialStackOptions } from './data/slice_stack.js';
export { gatherSlices, gatherWindows, samplePatches } from './data/patches.js';
export type { PairedBatch } from './data/patches.js';
export { splitSubjects } from './data/subject_split.js';
export type { SubjectSplit, SplitOptions } from './data/subject_split.js';
export { loadPairedSubject, phantomSubjectFiles, stackSubjects } from './data/paired_volumes.js';
export type { SubjectFiles, PairedSubject, PairedStacks, ModalityOptions, StackOptions } from './data/paired_volumes.js';
// Evaluation.
export { synthesisMetrics, maskedRange } from './evaluation/synthesis_metrics.js';
export type { SynthesisScores, SliceScores, VolumeScores, SynthesisMetricOptions } from './evaluation/synthesis_metrics.js';
// Workflow: config, training runs, model folders, whole-volume prediction.
export { trainConfigSchema, parseTrainConfig, loadTrainConfig } from './workflow/train_config.js';
export type { TrainConfig, SubjectConfig, LossWeights } from './workflow/train_config.js';
export { trainSynthesis, scoreSubjects } from './workflow/train_synthesis.js';
export type { TrainSynthesisOptions, TrainSynthesisResult, SubjectMeanScores } from './workflow/train_synthesis.js';
export { loadTrainingSubjects, subjectRoles } from './workflow/training_data.js';
export type { SplitSubjects } from './workflow/training_data.js';
export { saveSynthesisModel, loadSynthesisModel, generatorFor, forestSynthesizer, MODEL_FORMAT } from './workflow/model_bundle.js';
export type { ModelMeta, LoadedSynthesisModel } from './workflow/model_bundle.js';
export { predictVolume, fillBackground } from './workflow/predict_volume.js';
export { writePrediction, readPredictionRecord, predictionRecordPath, trainingUnits } from './workflow/prediction_record.js';
export type { PredictionRecord } from './workflow/prediction_record.js';
export type { SynthesisModelInfo, PredictVolumeOptions } from './workflow/predict_volume.js';
export { generatorSynthesizer } from './workflow/slice_synthesizer.js';
export type { SliceSynthesizer } from './workflow/slice_synthesizer.js';
export { sliceGrid } from './workflow/slice_grid.js';
// Traditional baseline: patch-based random-forest regression (Jog et al. 2017).
export { ForestSynthesisModel, fitForestSynthesis, loadForest, saveForest } from './baseline/forest_synthesis.js';
export type { ForestSynthesisJSON, ForestSynthesisOptions } from './baseline/forest_synthesis.js';
export { RegressionForest, fitRegressionForest } from './baseline/regression_forest.js';
export type { RegressionForestJSON, RegressionForestOptions } from './baseline/regression_forest.js';
export { featureCount, featureNames, resolveFeatureOptions, sliceFeatures, stackFeatures } from './baseline/patch_features.js';
export type { PatchFeatureOptions, ResolvedPatchFeatureOptions } from './baseline/patch_features.js';
// Synthesis losses: pixel, structural, adversarial, feature matching, perceptual.
export { l1Loss, mseLoss, ssimLoss, msSsimLoss, msSsimScalesThatFit, ganLoss, bceWithLogits, GAN_LOSS_KINDS, featureMatchingLoss, perceptualLoss, stopGradient, maskedMean } from './losses/index.js';
export type { PixelLossOptions, StructuralLossOptions, MsSsimLossOptions, GanLossKind } from './losses/index.js';
// Generators, PatchGAN, the perceptual net trained in Lacuna, and the pix2pix training step.
export { buildGenerator, GENERATOR_ARCHS, buildDiscriminator, patchGanReceptiveField, buildPerceptualNet, trainPerceptualNet, denoisingLoss, PERCEPTUAL_LAYERS, validateLossConfig, PIX2PIX_LOSSES, SynthesisTrainer } from './synthesis/index.js';
export type { GeneratorConfig, DiscriminatorConfig, PerceptualNetOptions, TrainPerceptualNetOptions, LossConfig, SynthesisTrainerOptions, SynthesisStepResult, AdamSettings } from './synthesis/index.js';
export { blobImages, invertedPairs } from './synthesis/toy_pairs.js';
// Multi-modal brain phantom (BrainWeb-like): anatomy, tissue properties, T1w/T2w/PD/FLAIR/CT/PET, cohort writing.
export { TISSUES, TISSUE_LABEL, CT_HU, PET_UPTAKE, mrTissueProperties, DEFAULT_FOV_MM, phantomGrid, MODALITIES, MR_MODALITIES, DEFAULT_MR_SEQUENCES, generatePhantomSubject, resolvePhantomOptions, subjectId, writePhantom, writePhantomSubject, PHANTOM_FILES, MODALITY_UNITS } from './phantom/index.js';
export type { Tissue, FieldStrength, MrTissueProperties, PhantomGrid, Modality, MrModality, MrSequence, PhantomOptions, ResolvedPhantomOptions, PhantomSubject, SubjectMeta, PhantomCohortOptions, PhantomProgress, Lesion } from './phantom/index.js';
// Task models F and task-oriented terms for G (Cohen et al. MICCAI 2018): segmenter, HU classes, D_t; SynthesisTrainer's `task` option.
export { buildSegmenter, trainSegmenter, segmentationDice, predictSegmentation, segmenterFeatureLayer, SEGMENTER_FEATURE_SUFFIX, FEATURE_DEPTHS, softmaxCrossEntropy, softDiceLoss, segmentationLoss, softTargetDivergence, DIVERGENCES, labelIds, labelTensor, classCountOf, PHANTOM_SEG_CLASSES, SEG_CLASS_NAMES, phantomSegLabels, huSoftClasses, huThresholdLoss, normalisedToHu, HU_CLASSES, HU_THRESHOLDS, DEFAULT_CT_WINDOW, DEFAULT_HU_TAU, taskTerm, supervisedTaskLoss, labelFreeTaskLoss, featureTaskLoss, taskFeatureModel, validateTaskTermConfig, termNeedsNet, TASK_TERM_KINDS, FEATURE_DISTANCES } from './task/index.js';
export type { SegmenterConfig, TrainSegmenterOptions, FeatureDepth, SegmentationLossOptions, Divergence, HuClassOptions, TaskTermConfig, TaskTermContext, TaskTermKind, FeatureDistance } from './task/index.js';
export type { TaskOptions } from './synthesis/trainer.js';
// Task side of training runs: the segmenter on real target slices and the task score.
export { trainTaskSegmenter, taskDiceScore, huClassScore, segClassStack } from './workflow/task_models.js';
export type { TaskDice, HuClassScore } from './workflow/task_models.js';
export type { TaskConfig, SegmenterSettings } from './workflow/train_config.js';
// Missing-modality completion for diagnosis: MRI-only vs MRI+PET with missing PET completed by G (L1 or task-oriented).
export { diagnosisConfigSchema, diagnosisSettingsSchema, DEFAULT_DIAGNOSIS_CONFIG, parseDiagnosisConfig, loadDiagnosisConfig, buildSlabCohort, slabSliceIndices, CohortCache, planAvailability, gatherSlabs, slabChannels, buildSlabClassifier, trainClassifier, diagnosisScores, buildCompletionGenerator, trainCompletionL1, completeWithGenerator, completeWithMean, jointClassifierLoss, jointGeneratorLoss, trainJointly, runMissingModalityExperiment, runDiagnosisExperiments, runDiagnosisSeed, hideMissingPet, DiagnosisCache, DIAGNOSIS_METHODS } from './diagnosis/index.js';
export type { DiagnosisConfig, DiagnosisSettings, SlabCohort, SlabCohortOptions, AvailabilityPlan, Augmentation, SlabBatch, DiagnosisScores, DiagnosisMethod, MethodScores, SeedScores, Stat, MissingModalityResult, MissingModalityOptions, DiagnosisProgress, DiagnosisReport } from './diagnosis/index.js';
