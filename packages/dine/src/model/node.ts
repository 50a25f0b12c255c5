/** Models under Node: everything in index.ts, plus model folders on disk and training the source model. */
export * from './index.js';
export { saveDigitsNet, loadDigitsNet } from './digits_files.js';
export { trainSource } from './train_source.js';
