/** Synthesis scores: MAE, PSNR and SSIM per slice and per volume, inside a mask. */
export { synthesisMetrics, maskedRange } from './synthesis_metrics.js';
export type { SynthesisScores, SliceScores, VolumeScores, SynthesisMetricOptions } from './synthesis_metrics.js';
export { scoreVolumePair, maskOf, alongAxis, scoresCsv, scoresJson, VOLUME_AXES } from './volume_scores.js';
export type { VolumeAxis, VolumePairOptions } from './volume_scores.js';
