/** Digit data: sets and batches, IDX and PNG-folder readers, MNIST-style framing, the demo's data and MNIST/USPS. */
export type { DigitSet, ImageBatch } from './digit_set.js';
export { checkDigitSet, checkLabels, checkNotEmpty, subset, head, unlabelled, inputBatch } from './digit_set.js';
export { randomAffineBatch, DEFAULT_RANDOM_AFFINE } from './random_affine.js';
export type { RandomAffineOptions } from './random_affine.js';
export { pngDigitSet } from './png_digits.js';
export type { PngDigitFile } from './png_digits.js';
export { frameDigit, frameDigits, resizeBilinear, resizeDigits, RESIZE_MODES } from './frame_digit.js';
export type { FrameOptions, ResizeMode } from './frame_digit.js';
export { shiftedDigits } from './shifted_digits.js';
export type { ShiftOptions } from './shifted_digits.js';
export type { DigitDomain } from './digits_benchmark.js';
export { BatchSchedule } from './batch_schedule.js';
export type { DigitRole, DigitSplit } from './digit_source.js';
export { imageFolderSet } from './image_folder.js';
export type { ImageFile, ImageFolderOptions } from './image_folder.js';
export { mnistMStyle, greyToRgb } from './mnist_m.js';
export type { MnistMOptions } from './mnist_m.js';
export { channelsOf, imageSize } from './digit_set.js';
