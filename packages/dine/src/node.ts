/**
 * @lacuna/dine under Node (the `node` export condition, or `@lacuna/dine/node`): everything in
 * index.ts, plus digit files and folders, model folders, training the source model, prediction
 * files and serving a model as an HTTP black box.
 */
export * from './index.js';
export { loadDigits } from './data/node.js';
export { trainSource, saveDigitsNet, loadDigitsNet } from './model/node.js';
export { openBlackBox, serveBlackBox, FileBlackBox, writePredictionsFile } from './black_box/node.js';
export * as data from './data/node.js';
export * as model from './model/node.js';
export * as blackBox from './black_box/node.js';
