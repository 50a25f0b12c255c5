/**
 * EPro-PnP's Table 1 ablation on Lacuna's rendered LineMOD-style set: the same network, data,
 * seeds and step budget for the training variants
 *   A  coordinate regression + mask (surrogate losses), PnP only at test time
 *   B  Monte Carlo pose loss only      C  B + derivative regularisation      D  C + coordinates
 * All variants start from one shared coordinate-regression warm start (EPro-PnP's
 * epropnp_cdpn_init setting: its LineMOD runs start from a trained CDPN), then train their own
 * losses for the same number of steps. Test crops are centred (no zoom-in jitter) and rendered
 * with another seed; poses come from the network's weighted correspondences by EPnP +
 * random-sample LM initialisation, then LM.
 */
import { join } from 'node:path';
import type { train } from '@lacuna/core';
import { renderDataset } from '../dataset/pose_dataset.js';
import type { ObjectName } from '../render/objects.js';
import { evaluatePoseNet } from '../workflow/evaluate_pose.js';
import { loadPoseModel } from '../workflow/pose_model_folder.js';
import { parsePoseTrainConfig, type Variant } from '../workflow/pose_train_config.js';
import { trainPose } from '../workflow/train_pose.js';

export interface VariantAblationOptions {
  readonly object: ObjectName;
  /** Training crops (rendered with `seed`) and centred test crops (seed 1000). */
  readonly train: number;
  readonly test: number;
  readonly crop: number;
  /** Warm-start steps (0: none) and steps per variant. */
  readonly warmup: number;
  readonly steps: number;
  readonly seed: number;
  readonly variants: readonly Variant[];
  /** Where the runs go. */
  readonly out: string;
  readonly progress?: train.ProgressMode;
  readonly log?: (message: string) => void;
}

/** Pass rates in % and the mean 2-D projection error of one variant. */
export interface AblationRow {
  readonly 'add_0.02d': number;
  readonly 'add_0.05d': number;
  readonly 'add_0.1d': number;
  readonly deg2_cm2: number;
  readonly deg5_cm5: number;
  readonly proj2d_px: number;
  readonly failures: number;
  readonly train_s: number;
}

/** Rows keyed 'warm_start' (when warmup > 0) and by variant. */
export async function runVariantAblation(o: VariantAblationOptions): Promise<Record<string, AblationRow>> {
  const log = o.log ?? (() => {});
  const t0 = performance.now();
  const trainSet = renderDataset({ object: o.object, count: o.train, seed: o.seed, cropSize: o.crop, views: 'upper' });
  const testSet = renderDataset({ object: o.object, count: o.test, seed: 1000, cropSize: o.crop, views: 'upper', zoomIn: { shift: 0, scale: 0 } });
  log(`rendered ${o.train} + ${o.test} ${o.object} crops (${o.crop} px) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const progress = o.progress ?? 'auto';
  const config = (variant: Variant, steps: number, dir: string, init?: string) =>
    parsePoseTrainConfig({ object: o.object, variant, train: { steps, seed: o.seed, checkpointEvery: Math.max(steps, 1), ...(init ? { init } : {}) }, out: join(o.out, dir) });
  const score = async (modelDir: string, variant: Variant, seconds: number): Promise<AblationRow> => {
    const { net } = await loadPoseModel(modelDir);
    const s = evaluatePoseNet(net, variant, testSet);
    net.dispose();
    const p = (x: number) => 100 * x;
    return {
      'add_0.02d': p(s.accuracy.add['0.02']!), 'add_0.05d': p(s.accuracy.add['0.05']!), 'add_0.1d': p(s.accuracy.add['0.1']!),
      deg2_cm2: p(s.accuracy.degCm['2deg2cm']!), deg5_cm5: p(s.accuracy.degCm['5deg5cm']!), proj2d_px: s.proj2dPx, failures: s.failures, train_s: seconds,
    };
  };
  let init: string | undefined;
  const rows: Record<string, AblationRow> = {};
  if (o.warmup > 0) {
    log(`warm start: coordinate regression + mask, ${o.warmup} steps`);
    const w = await trainPose(config('A', o.warmup, 'warmup'), { dataset: trainSet, progress });
    init = w.modelDir;
    rows.warm_start = await score(w.modelDir, 'A', w.seconds);
  }
  for (const v of o.variants) {
    log(`variant ${v}: ${o.steps} steps`);
    const r = await trainPose(config(v, o.steps, `variant_${v}`, init), { dataset: trainSet, progress });
    rows[v] = await score(r.modelDir, v, r.seconds);
    log(`variant ${v}: ADD-0.1d ${rows[v]!['add_0.1d'].toFixed(1)} %  (${r.seconds.toFixed(0)} s)`);
  }
  return rows;
}
