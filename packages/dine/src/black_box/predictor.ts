/**
 * The black box of black-box domain adaptation: a source model that only answers "class
 * probabilities for these images". Adaptation code sees nothing else (no logits, features or
 * weights), and every answer goes through `validateProbabilities` before it is used.
 */
import type { ImageBatch } from '../data/digit_set.js';
import type { AnswerKind } from './answers.js';

export interface BlackBoxPredictor {
  /** For messages: a URL, a file, a model name. */
  readonly name: string;
  readonly numClasses: number;
  /** [count, numClasses] row-major class probabilities, each row summing to 1. */
  predict(images: ImageBatch): Promise<Float32Array>;
  /** What it answers per image, when known: full probabilities (the default), the top k, or labels. */
  readonly answerKind?: AnswerKind | null;
  /** Whether image i's answer is already paid for (in a cache or a predictions file): free under a query budget. */
  isCached?(images: ImageBatch, i: number): boolean;
  /** Releases sockets, files or models. */
  close?(): Promise<void>;
}
