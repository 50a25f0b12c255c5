/** Black boxes: in-process models, HTTP services, prediction files; the server; answer validation. */
export type { BlackBoxPredictor } from './predictor.js';
export { validateProbabilities } from './validate_probabilities.js';
export type { ValidateOptions } from './validate_probabilities.js';
export { ModelBlackBox, predictProbabilities } from './model_black_box.js';
export { HttpBlackBox } from './http_black_box.js';
export type { HttpBlackBoxOptions } from './http_black_box.js';
export { PredictionStore, PREDICTIONS_FORMAT } from './prediction_store.js';
export { imageKey, imageKeys } from './image_key.js';
export type { ServeOptions, RunningServer } from './serve.js';
export type { BlackBoxInfo } from './http_protocol.js';

export { parseAnswerKind, describeAnswerKind, truncateAnswers, completeAnswers } from './answers.js';
export type { AnswerKind, PartialAnswer } from './answers.js';
export { requestCodec, REQUEST_FORMATS } from './request_formats.js';
export type { RequestFormat, InputRange, RequestCodec } from './request_formats.js';
export { retryAfterMs } from './http_black_box.js';
