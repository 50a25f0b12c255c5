/**
 * Every op's gradient and the chained tensor methods (x.square().sum()), which tfjs-core's Node
 * entry does not register. Bundled from tfjs-core's sources at build time
 * (scripts/bundle-tfjs-registrations.mjs) instead of importing the 141 MB @tensorflow/tfjs.
 */
import '../generated/tfjs_registrations.js';
