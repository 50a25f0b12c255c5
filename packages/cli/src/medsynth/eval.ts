/**
 * `lacuna medsynth eval`: scores a synthesised volume against the reference on the same grid —
 * MAE, PSNR and SSIM per slice along one axis and for the whole volume, inside a mask when
 * given — and writes them as CSV or JSON.
 */
import { ConfigError, ValueError, data } from '@lacuna/core';
import { evaluation, readPredictionRecord, synthesisMetrics, trainingUnits, workflow, type SynthesisScores, type VolumeScores } from '@lacuna/medsynth';

const { maskedRange } = evaluation;
const { predictionRecordPath } = workflow;
type SliceScores = evaluation.SliceScores;
import { backendOptions, parseOptions, required, startBackend, type Command } from '../cli_args.js';

const AXES = ['x', 'y', 'z'] as const;
type Axis = (typeof AXES)[number];

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
      pred: { type: 'string' },
      ref: { type: 'string' },
      mask: { type: 'string' },
      range: { type: 'string' },
      units: { type: 'string' },
      out: { type: 'string' },
      axis: { type: 'string' },
      ...backendOptions,
    });
    if (o.help) {
      console.log(this.usage);
      return 0;
    }
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
    const [pred, ref, mask] = await Promise.all([data.readNifti(predPath), data.readNifti(refPath), maskPath ? data.readNifti(maskPath) : undefined]);
    data.assertSameGrid(pred, predPath, ref, refPath);
    if (mask) data.assertSameGrid(ref, refPath, mask, maskPath!);
    for (const [vol, path] of [[pred, predPath], [ref, refPath]] as const) finiteOrThrow(vol.data, path);
    const inMask = mask ? maskOf(mask.data, maskPath!) : undefined;
    if (record) {
      // Training's units: normalised, rescaled to [0, 1], so the data range is 1.
      const scaled = trainingUnits(pred.data, ref.data, inMask!, record);
      pred.data.set(scaled.pred);
      ref.data.set(scaled.ref);
      console.log(`units   training (as metrics.json): ${record.targetModality} normalised to [0, 1] inside ${maskPath}`);
    }
    const dataRange = range ?? (record ? 1 : maskedRange(ref.data, inMask));
    if (!(dataRange > 0)) {
      throw new ValueError(`lacuna medsynth eval: ${refPath} is constant${inMask ? ' inside the mask' : ''}, so --range auto gives ${dataRange}; pass --range <number>`);
    }
    const [p, r, m, dims] = alongAxis(pred.data, ref.data, inMask, pred.dims, axis);
    const scores = synthesisMetrics(p, r, dims, m, { dataRange });

    const v = scores.volume;
    console.log(`volume  MAE ${fmt(v.mae)}  PSNR ${fmt(v.psnr, 2)} dB  SSIM ${fmt(v.ssim, 4)}  (${v.voxels} voxels, range ${Number(dataRange.toPrecision(6))}${range === undefined && !record ? ' auto' : ''})`);
    console.log(`slices  ${scores.slices.length} of ${dims[2]} along ${axis}${inMask ? ' (with mask voxels)' : ''}`);
    if (o.out && format) {
      const text = format === 'csv' ? toCsv(scores) : toJson(scores);
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

function finiteOrThrow(values: Float32Array, path: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) throw new ValueError(`lacuna medsynth eval: ${path}: voxel ${i} is ${values[i]} (values must be finite)`);
  }
}

function maskOf(values: Float32Array, path: string): Uint8Array {
  const mask = new Uint8Array(values.length);
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i]! > 0.5) {
      mask[i] = 1;
      count++;
    }
  }
  if (count === 0) throw new ValueError(`lacuna medsynth eval: mask ${path} has no voxels > 0.5`);
  return mask;
}

/**
 * The volumes reordered so slices along `axis` are the slowest dimension ([nz, ny, nx] in
 * memory, x fastest): x → dims [ny, nz, nx], y → [nx, nz, ny], z unchanged.
 */
function alongAxis(
  pred: Float32Array,
  ref: Float32Array,
  mask: Uint8Array | undefined,
  dims: readonly [number, number, number],
  axis: Axis,
): [Float32Array, Float32Array, Uint8Array | undefined, [number, number, number]] {
  if (axis === 'z') return [pred, ref, mask, [...dims]];
  const [nx, ny, nz] = dims;
  // new (a, b, c) index -> old (i, j, k)
  const newDims: [number, number, number] = axis === 'x' ? [ny, nz, nx] : [nx, nz, ny];
  const order = new Uint32Array(nx * ny * nz);
  let n = 0;
  for (let c = 0; c < newDims[2]; c++) {
    for (let b = 0; b < newDims[1]; b++) {
      for (let a = 0; a < newDims[0]; a++) {
        const [i, j, k] = axis === 'x' ? [c, a, b] : [a, c, b];
        order[n++] = i + nx * (j + ny * k);
      }
    }
  }
  const permute = <T extends Float32Array | Uint8Array>(src: T, out: T): T => {
    for (let t = 0; t < order.length; t++) out[t] = src[order[t]!]!;
    return out;
  };
  return [
    permute(pred, new Float32Array(pred.length)),
    permute(ref, new Float32Array(ref.length)),
    mask && permute(mask, new Uint8Array(mask.length)),
    newDims,
  ];
}

function csvNumber(x: number): string {
  return Number.isNaN(x) ? 'nan' : x === Infinity ? 'inf' : String(x);
}

function toCsv(scores: VolumeScores): string {
  const row = (label: string | number, s: SynthesisScores) => [label, csvNumber(s.mae), csvNumber(s.psnr), csvNumber(s.ssim), s.voxels].join(',');
  return ['slice,mae,psnr,ssim,voxels', ...scores.slices.map((s) => row(s.slice, s)), row('volume', scores.volume)].join('\n') + '\n';
}

function toJson(scores: VolumeScores): string {
  // JSON has no Infinity or NaN: they become null.
  const clean = (s: SynthesisScores | SliceScores) => Object.fromEntries(Object.entries(s).map(([k, x]) => [k, Number.isFinite(x) ? x : null]));
  return JSON.stringify({ volume: clean(scores.volume), slices: scores.slices.map(clean) }, null, 1) + '\n';
}

function fmt(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  return Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(digits - 1) : x.toFixed(digits);
}
