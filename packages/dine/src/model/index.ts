/** The digits networks (LeNet, a small LeNet, an MLP), their model folders, source training, accuracy. */
export { digitsNet, openDigitsNet, DIGITS_ARCHS, DIGIT_CLASSES, DIGITS_MODEL_FOLDER } from './digits_net.js';
export type { DigitsArch, DigitsNetOptions } from './digits_net.js';
export type { TrainSourceOptions, TrainSourceResult } from './train_source.js';
export { accuracyOf, modelAccuracy } from './accuracy.js';
