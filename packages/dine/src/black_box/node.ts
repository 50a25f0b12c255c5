/** Black boxes under Node: everything in index.ts, plus prediction files, serving a model over HTTP, and opening a box from a spec. */
export * from './index.js';
export { FileBlackBox, writePredictionsFile } from './file_black_box.js';
export { serveBlackBox } from './serve.js';
export { openBlackBox } from './open_black_box.js';
