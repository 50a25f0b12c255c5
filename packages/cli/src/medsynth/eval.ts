/**
 * `lacuna medsynth eval`: scores a synthesised volume against the reference on the same grid —
 * MAE, PSNR and SSIM per slice along one axis and for the whole volume, inside a mask when
 * given — and writes them as CSV or JSON.
 */
import { ConfigError, data } from '@lacuna/core';
import { data as msData, evaluation, readPredictionRecord, trainingUnits, workflow } from '@lacuna/medsynth';
import { backendOptions, parseOptions, printUsage, required, startBackend, strings, type Command } from '../cli_args.js';

const { predictionRecordPath } = workflow;
const AXES = evaluation.VOLUME_AXES;
type Axis = evaluation.VolumeAxis;

export const evalCommand: Command = {
  name: 'eval',
  summary: 'score a synthesised volume against the reference (MAE, PSNR, SSIM)',
  usage: `lacuna medsynth eval --pred P.nii.gz --ref R.nii.gz [--units training|raw] [--mask M.nii.gz]
                      [--range auto|<number>] [--out metrics.csv|metrics.json] [--axis x|y|z] [--threads N]

Units (--units): 'training' (the default when P came from 'lacuna medsynth predict', which
leaves P.json and P_mask.nii.gz beside it) scores as training scored its test subjects in
metrics.json: inside the model's head mask, the prediction in the model's normalised units
and the reference normalised by its own fit, both rescaled to [0, 1] (range 1). 'raw' (the
default for any other P) scores the files' own units, as below.

Scores the prediction against the reference, which must share its grid (dims, voxel size and
affine), per slice along --axis (default z, axial) and for the whole volume:
  MAE    mean |pred − ref| over the voxels inside the mask (all voxels without --mask)
  PSNR   10·log10(L² / MSE) over the same voxels, in dB (inf when MSE = 0)
  SSIM   Wang et al. 2004 (11×11 Gaussian window, σ 1.5, stabilisers from L): the SSIM map of
         each slice averaged over the mask pixels where the window fits inside the slice
The mask is the voxels where the --mask volume is > 0.5; slices without any are left out.
L (--range) is the data range of PSNR and SSIM: 'auto' (default) takes max − min of the
reference inside the mask, so scores from different references are not directly comparable —
pass a fixed number (e.g. 4095) for that.
--out writes per-slice rows and a final 'volume' row as CSV (slice,mae,psnr,ssim,voxels) or
JSON ({volume: {mae, psnr, ssim, voxels}, slices: [{slice, ...}]}, inf PSNR as null), by extension.`,
  async run(argv) {
    const o = parseOptions('medsynth eval', argv, {
      ...strings('pred', 'ref', 'mask', 'range', 'units', 'out', 'axis'),
      ...backendOptions,
    });
    if (o.help) return printUsage(this.usage);
    const predPath = required('medsynth eval', o.pred, 'pred', '<file.nii[.gz]>');
    const refPath = required('medsynth eval', o.ref, 'ref', '<file.nii[.gz]>');
    const range = parseRange(o.range);
    const format = o.out === undefined ? undefined : outputFormat(o.out);
    const axis = parseAxis(o.axis);
    await startBackend('medsynth eval', o);

    if (o.units !== undefined && o.units !== 'training' && o.units !== 'raw') throw new ConfigError(`lacuna medsynth eval: --units must be training or raw, got '${o.units}'`, 'units', o.units, ['training', 'raw']);
    const record = o.units === 'raw' ? null : await readPredictionRecord(predPath);
    if (o.units === 'training' && !record) throw new ConfigError(`lacuna medsynth eval: --units training needs ${predictionRecordPath(predPath)} (written by 'lacuna medsynth predict' beside its output)`, 'units');
    const maskPath = o.mask ?? record?.maskPath;
    const [pred, ref, mask] = await Promise.all([msData.readVolume(predPath), msData.readVolume(refPath), maskPath ? msData.readVolume(maskPath) : undefined]);
    data.assertSameGrid(pred, predPath, ref, refPath);
    if (mask) data.assertSameGrid(ref, refPath, mask, maskPath!);
    if (record) {
      // Training's units: normalised, rescaled to [0, 1], so the data range is 1.
      const scaled = trainingUnits(pred.data, ref.data, evaluation.maskOf(mask!.data, maskPath!), record);
      pred.data.set(scaled.pred);
      ref.data.set(scaled.ref);
      console.log(`units   training (as metrics.json): ${record.targetModality} normalised to [0, 1] inside ${maskPath}`);
    }
    const { scores, dataRange, sliceCount } = evaluation.scoreVolumePair(pred.data, ref.data, pred.dims, {
      ...(mask ? { mask: { data: mask.data, path: maskPath! } } : {}), ...(range ?? record ? { dataRange: range ?? 1 } : {}), axis, predPath, refPath,
    });

    const v = scores.volume;
    console.log(`volume  MAE ${fmt(v.mae)}  PSNR ${fmt(v.psnr, 2)} dB  SSIM ${fmt(v.ssim, 4)}  (${v.voxels} voxels, range ${Number(dataRange.toPrecision(6))}${range === undefined && !record ? ' auto' : ''})`);
    console.log(`slices  ${scores.slices.length} of ${sliceCount} along ${axis}${mask ? ' (with mask voxels)' : ''}`);
    if (o.out && format) {
      const text = format === 'csv' ? evaluation.scoresCsv(scores) : evaluation.scoresJson(scores);
      await data.writeFileAtomic(o.out, new TextEncoder().encode(text), 'lacuna medsynth eval');
      console.log(`wrote   ${o.out}`);
    }
    return 0;
  },
};

/** undefined for 'auto'. */
function parseRange(value: string | undefined): number | undefined {
  if (value === undefined || value === 'auto') return undefined;
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0)) throw new ConfigError(`lacuna medsynth eval: --range must be 'auto' or a positive number, got '${value}'`, 'range', value);
  return n;
}

function outputFormat(path: string): 'csv' | 'json' {
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.json')) return 'json';
  throw new ConfigError(`lacuna medsynth eval: --out must end in .csv or .json, got '${path}'`, 'out', path, ['.csv', '.json']);
}

function parseAxis(value: string | undefined): Axis {
  if (value === undefined) return 'z';
  if (!(AXES as readonly string[]).includes(value)) throw new ConfigError(`lacuna medsynth eval: --axis must be x, y or z, got '${value}'`, 'axis', value, AXES);
  return value as Axis;
}







function fmt(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  return Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(digits - 1) : x.toFixed(digits);
}
