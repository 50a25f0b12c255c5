import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, data, initBackend, ShapeError, ValueError } from '@lacuna/core';
import { loadSynthesisModel, predictVolume } from './model_folder.js';
import { parseTrainConfig } from './train_config.js';
import { lrSchedule, trainSynthesis } from './train_synthesis.js';
import { averageSynthesizer, generatorSynthesizer } from './slice_synthesizer.js';
import { generatorFor } from './model_bundle.js';
import { unpairedHalves } from './train_cycle_gan.js';
import { writeToySubjects, toyPair } from './testdata/toy_subjects.js';

let dir: string;
before(async () => {
  await initBackend();
  dir = await mkdtemp(join(tmpdir(), 'lacuna-medsynth-'));
  await writeToySubjects(join(dir, 'phantom'), 5);
});

function config(model: object, train: object, loss: object = { l1: 1 }, out = 'run') {
  return parseTrainConfig({ data: { phantom: 'phantom', source: ['t1'], target: 't2', split: { val: 1, test: 1, seed: 0 } }, model, loss, train: { batchSize: 4, lr: 2e-3, beta1: 0.9, sampleEvery: 20, checkpointEvery: 20, ...train }, out }, dir);
}

test('U-Net training run: learns the mapping, writes model, samples, checkpoints, metrics; predict keeps the grid', async () => {
  const untrained = await trainSynthesis(config({ arch: 'unet', base: 8, depth: 2 }, { steps: 1 }, { l1: 1 }, 'run0'), { progress: 'none' });
  const result = await trainSynthesis(config({ arch: 'unet', base: 8, depth: 2 }, { steps: 60 }), { progress: 'none' });
  assert.equal(result.steps, 60);
  assert.equal(result.test!.subjects, 1);
  assert.ok(result.test!.mae < 0.6 * untrained.test!.mae, `test MAE ${result.test!.mae} vs untrained ${untrained.test!.mae}`);
  assert.ok(result.test!.ssim > untrained.test!.ssim);
  const samples = await readdir(join(dir, 'run', 'samples'));
  assert.deepEqual(samples.sort(), ['step_000020.png', 'step_000040.png', 'step_000060.png']);
  assert.ok((await readdir(join(dir, 'run', 'checkpoints'))).length > 0);
  const metrics = JSON.parse(await readFile(join(dir, 'run', 'metrics.json'), 'utf8'));
  assert.equal(metrics.test.mae, result.test!.mae);

  const model = await loadSynthesisModel(join(dir, 'run', 'model'));
  const src = join(dir, 'phantom', 'sub-001', 't1.nii.gz');
  const { volume } = await predictVolume(model.synthesizer, model.info, [src]);
  const input = await data.readNifti(src);
  assert.deepEqual(volume.dims, input.dims);
  assert.deepEqual(volume.affine, input.affine);
  // The reloaded model gives the same test score as the one in memory.
  const again = await trainSynthesis(config({ arch: 'unet', base: 8, depth: 2 }, { steps: 60 }), { progress: 'none', resume: true });
  assert.equal(again.test!.mae, result.test!.mae);
  model.dispose();
});

/** Correlation of a predicted volume with the toy truth inside the head; 0 (MR background) outside. */
async function predictionCorrelation(run: string, subject: number): Promise<number> {
  const model = await loadSynthesisModel(join(dir, run, 'model'));
  const { volume, mask } = await predictVolume(model.synthesizer, model.info, [join(dir, 'phantom', `sub-00${subject}`, 't1.nii.gz')]);
  const truth = toyPair(subject).target.data;
  // MR units are arbitrary (each subject is scaled by its own percentile), so compare shapes.
  const xs: number[] = [];
  const ys: number[] = [];
  for (let v = 0; v < mask.length; v++) {
    if (mask[v]) {
      xs.push(volume.data[v]!);
      ys.push(truth[v]!);
    } else assert.equal(volume.data[v], 0);
  }
  const mean = (a: number[]) => a.reduce((p, q) => p + q, 0) / a.length;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  model.dispose();
  return sxy / Math.sqrt(sxx * syy);
}

let forestPsnr = NaN;

test('forest run: trains, saves, predicts in target units', async () => {
  const result = await trainSynthesis(config({ arch: 'forest', trees: 8, maxDepth: 10, samples: 4000 }, {}, {}, 'forest'), { progress: 'none' });
  assert.ok(result.test!.psnr > 15, `forest PSNR ${result.test!.psnr}`);
  forestPsnr = result.test!.psnr;
  const r = await predictionCorrelation('forest', 2);
  assert.ok(r > 0.9, `correlation of forest prediction and truth ${r}`);
});

test('dictionary run: coupled dictionaries train, save, load and predict a volume like the forest', async () => {
  const result = await trainSynthesis(config({ arch: 'dictionary', atoms: 96, sparsity: 4, patch: 3, iterations: 6, samples: 4000, stride: 1 }, {}, {}, 'dictionary'), { progress: 'none' });
  // On the held-out toy subject the dictionaries beat the small forest (19.9 against 16.3 dB when written).
  assert.ok(result.test!.psnr > forestPsnr, `dictionary PSNR ${result.test!.psnr}, forest ${forestPsnr}`);
  const saved = JSON.parse(await readFile(join(dir, 'dictionary', 'model', 'dictionary.json'), 'utf8'));
  assert.equal(saved.format, 'lacuna-dictionary-synthesis');
  assert.equal(saved.dictionary.length, 96 * (9 + 1 + 9));
  const r = await predictionCorrelation('dictionary', 2);
  assert.ok(r > 0.6, `correlation of dictionary prediction and truth ${r}`);
});

test('config errors: mismatched sources, feature matching without D, zero loss; grid mismatch names files', async () => {
  assert.throws(() => config({ arch: 'unet' }, {}, { featureMatching: 1 }), (e: unknown) => e instanceof ConfigError && /featureMatching needs a discriminator/.test(e.message));
  assert.throws(() => config({ arch: 'unet' }, {}, { l1: 0 }), /every weight is 0/);
  const small = { data: new Float32Array(8), dims: [2, 2, 2] as const, spacing: [1, 1, 1] as const, affine: data.centredAffine([2, 2, 2], [1, 1, 1]) };
  await data.writeNifti(join(dir, 'small.nii.gz'), small);
  const model = await loadSynthesisModel(join(dir, 'forest', 'model'));
  await assert.rejects(predictVolume(model.synthesizer, model.info, [join(dir, 'small.nii.gz')]), /empty|mask/);
  const bad = parseTrainConfig({ data: { subjects: [{ id: 'a', source: ['phantom/sub-001/t1.nii.gz'], target: 'small.nii.gz' }] }, model: { arch: 'forest' }, out: 'x' }, dir);
  // A target on another grid is resampled onto; this one is empty in the head, and says so by name.
  await assert.rejects(trainSynthesis(bad, { progress: 'none' }), (e: unknown) => e instanceof ValueError && /small\.nii\.gz: MR normalisation: the 99\.5th percentile in the head mask is 0/.test(e.message));
  // A target that does not overlap the source is refused, naming both.
  await data.writeNifti(join(dir, 'far.nii.gz'), { ...small, affine: [1, 0, 0, 500, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] });
  const far = parseTrainConfig({ data: { subjects: [{ id: 'a', source: ['phantom/sub-001/t1.nii.gz'], target: 'far.nii.gz' }] }, model: { arch: 'forest' }, out: 'x' }, dir);
  await assert.rejects(trainSynthesis(far, { progress: 'none' }), (e: unknown) => e instanceof ShapeError && /sub-001\/t1\.nii\.gz: only 0\.0 % of .*far\.nii\.gz's grid/.test(e.message));
});

test('train.schedule: linear holds then decays to 0 (pix2pix), cosine decays to 0; bad names are config errors', () => {
  const at = (schedule: 'constant' | 'linear' | 'cosine', t: number) => {
    const s = lrSchedule({ lr: 1e-3, steps: 100, schedule });
    return typeof s === 'number' ? s : s(t);
  };
  assert.equal(at('constant', 99), 1e-3);
  assert.equal(at('linear', 0), 1e-3);
  assert.equal(at('linear', 48), 1e-3);
  // t = 74: 1 − (74 + 1 − 50)/51 = 26/51.
  assert.ok(Math.abs(at('linear', 74) - (1e-3 * 26) / 51) < 1e-12);
  assert.ok(at('linear', 99) < 2.1e-5);
  assert.ok(Math.abs(at('cosine', 50) - 5e-4) < 1e-12);
  assert.ok(at('cosine', 100) < 1e-12);
  const c = config({ arch: 'unet' }, { schedule: 'cosine' });
  assert.equal(c.train.schedule, 'cosine');
  assert.deepEqual(c.data.augment, { flip: false, intensity: 0 });
  assert.throws(() => config({ arch: 'unet' }, { schedule: 'step' }), (e: unknown) => e instanceof ConfigError && /train\.schedule/.test(e.message));
});

test('inference.window: the model scores with sliding windows, keeps the setting, and predict uses it', async () => {
  const c = { ...config({ arch: 'unet', base: 8, depth: 2 }, { steps: 2 }, { l1: 1 }, 'run_window'), inference: { window: 16, overlap: 0.5, mirror: false } };
  const result = await trainSynthesis(c, { progress: 'none' });
  const model = await loadSynthesisModel(join(dir, 'run_window', 'model'));
  assert.deepEqual(model.info.inference, { window: 16, overlap: 0.5 });
  // The test score equals scoring the same slices through windows by hand (predictPlanes with the window).
  const src = join(dir, 'phantom', 'sub-001', 't1.nii.gz');
  const byInfo = await predictVolume(model.synthesizer, model.info, [src]);
  const byHand = await predictVolume(model.synthesizer, { ...model.info, inference: undefined }, [src], { window: 16, overlap: 0.5 });
  const whole = await predictVolume(model.synthesizer, { ...model.info, inference: undefined }, [src]);
  assert.deepEqual(Array.from(byInfo.volume.data), Array.from(byHand.volume.data));
  assert.notDeepEqual(Array.from(byInfo.volume.data), Array.from(whole.volume.data));
  assert.ok(Number.isFinite(result.test!.psnr));
  model.dispose();
  await assert.rejects(trainSynthesis({ ...c, inference: { window: 18, overlap: 0.25, mirror: false } }, { progress: 'none' }), /inference\.window 18 must be a multiple of 4/);
});

test('inference.mirror: the prediction averages the mirrored pass by hand, is mirror-equivariant, and the model keeps the setting', async () => {
  const net = generatorFor({ arch: 'unet', base: 4, depth: 2, norm: 'none' }, { sourceModalities: ['t1'], context: 0 }, 3);
  const [n, h, w] = [2, 8, 12];
  const rng = new data.Random(5);
  const x = Float32Array.from({ length: n * h * w }, () => rng.uniform(-1, 1));
  const flip = (v: Float32Array) => v.map((_, i) => v[i - (i % w) + (w - 1 - (i % w))]!);
  const plain = generatorSynthesizer(net).predict({ data: x, shape: [n, h, w, 1] }).data;
  const plainFlipped = generatorSynthesizer(net).predict({ data: flip(x), shape: [n, h, w, 1] }).data;
  const mirrored = generatorSynthesizer(net, 8, { mirror: true });
  const y = mirrored.predict({ data: x, shape: [n, h, w, 1] }).data;
  const byHand = flip(plainFlipped).map((v, i) => (v + plain[i]!) / 2);
  assert.ok(byHand.every((v, i) => Math.abs(v - y[i]!) < 1e-5), 'mirror = mean of the plain and mirrored passes');
  assert.ok(plain.some((v, i) => Math.abs(v - y[i]!) > 1e-4), 'an untrained network is not symmetric, so mirroring changes it');
  const yFlipped = mirrored.predict({ data: flip(x), shape: [n, h, w, 1] }).data;
  assert.ok(flip(yFlipped).every((v, i) => Math.abs(v - y[i]!) < 1e-5), 'mirror(flip x) = flip(mirror x)');
  net.dispose();
  const c = { ...config({ arch: 'unet', base: 8, depth: 2 }, { steps: 2 }, { l1: 1 }, 'run_mirror'), inference: { overlap: 0.25, mirror: true } };
  await trainSynthesis(c, { progress: 'none' });
  const model = await loadSynthesisModel(join(dir, 'run_mirror', 'model'));
  assert.deepEqual(model.info.inference, { mirror: true });
  model.dispose();
});

test('averageSynthesizer: the voxel-wise mean of its members; no members is an error', () => {
  const constant = (v: number) => ({ predict: (x: { data: Float32Array; shape: readonly [number, number, number, number] }) => ({ data: new Float32Array(x.data.length).fill(v), shape: x.shape }) });
  const identity = { predict: (x: { data: Float32Array; shape: readonly [number, number, number, number] }) => ({ data: Float32Array.from(x.data), shape: x.shape }) };
  const y = averageSynthesizer([constant(1), constant(-0.5), identity]).predict({ data: Float32Array.from([0.3, -0.6]), shape: [1, 1, 2, 1] });
  assert.ok(Math.abs(y.data[0]! - (1 - 0.5 + 0.3) / 3) < 1e-6 && Math.abs(y.data[1]! - (1 - 0.5 - 0.6) / 3) < 1e-6);
  assert.throws(() => averageSynthesizer([]), /at least one member/);
});

test('unpaired CycleGAN run: source and target images from disjoint halves; saves G, predicts a volume; a resumed run ends where the uninterrupted one did', async () => {
  const halves = unpairedHalves([{ subject: 'a', slice: 0 }, { subject: 'a', slice: 1 }, { subject: 'b', slice: 0 }, { subject: 'c', slice: 4 }]);
  assert.deepEqual(halves, { source: [0, 1, 3], target: [2], by: 'subject' });
  assert.deepEqual(unpairedHalves([0, 1, 2, 3, 4].map((slice) => ({ subject: 'a', slice }))), { source: [0, 2, 4], target: [1, 3], by: 'slice' });
  assert.throws(() => unpairedHalves([{ subject: 'a', slice: 0 }]), /too few slices/);
  const cg = (steps: number, out: string) =>
    parseTrainConfig({ data: { phantom: 'phantom', source: ['t1'], target: 't2', unpaired: true, patchSize: 16, split: { val: 1, test: 1, seed: 0 } }, model: { arch: 'cyclegan', ngf: 4, blocks: 1 }, discriminator: { ndf: 8, nLayers: 2 }, train: { batchSize: 2, steps, sampleEvery: 10, checkpointEvery: 10 }, out }, dir);
  const full = await trainSynthesis(cg(20, 'cg'), { progress: 'none' });
  assert.equal(full.steps, 20);
  assert.ok(Number.isFinite(full.test!.psnr));
  const model = await loadSynthesisModel(join(dir, 'cg', 'model'));
  assert.equal(model.meta.model.arch, 'cyclegan');
  const { volume } = await predictVolume(model.synthesizer, model.info, [join(dir, 'phantom', 'sub-001', 't1.nii.gz')]);
  assert.ok(volume.data.every(Number.isFinite));
  model.dispose();
  await trainSynthesis(cg(10, 'cg_resumed'), { progress: 'none' });
  const resumed = await trainSynthesis(cg(20, 'cg_resumed'), { progress: 'none', resume: true });
  assert.equal(resumed.steps, 20);
  assert.equal(resumed.test!.mae, full.test!.mae, 'the pools, optimisers and networks come back from the checkpoint');
  assert.throws(() => parseTrainConfig({ data: { phantom: 'phantom' }, model: { arch: 'cyclegan' }, out: 'x' }, dir), (e: Error) => e instanceof ConfigError && /set "data": \{ "unpaired": true/.test(e.message));
  assert.throws(() => parseTrainConfig({ data: { phantom: 'phantom', unpaired: true }, model: { arch: 'unet' }, out: 'x' }, dir), (e: Error) => e instanceof ConfigError && /data.unpaired needs model.arch 'cyclegan'/.test(e.message));
  assert.throws(() => parseTrainConfig({ data: { phantom: 'phantom', unpaired: true, context: 1 }, model: { arch: 'cyclegan' }, out: 'x' }, dir), (e: Error) => e instanceof ConfigError && /set data.context to 0/.test(e.message));
});
