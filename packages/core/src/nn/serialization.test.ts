import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { convNormAct } from './conv_norm_act.js';
import { WeightInit } from './init.js';
import { patchGanDiscriminator, patchGanFeatures } from './patchgan.js';
import { upsample } from './resample.js';
import { SeededDropout } from './seeded_dropout.js';

await tf.setBackend('cpu');

/** Saves to memory and loads back through the standard model.json + weights path. */
async function roundTrip(model: tfl.LayersModel): Promise<{ loaded: tfl.LayersModel; artifacts: tf.io.ModelArtifacts }> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const json = JSON.parse(JSON.stringify(artifacts!.modelTopology)); // as it would be on disk
  const loaded = await tfl.loadLayersModel(tf.io.fromMemory({ ...artifacts!, modelTopology: json }));
  return { loaded, artifacts: artifacts! };
}

function customModel(): tfl.LayersModel {
  const init = new WeightInit({ seed: 21 });
  const input = tfl.input({ shape: [null, null, 2] });
  let x = convNormAct(input, { filters: 4, kernelSize: 3, padding: 'reflect', norm: 'instance', normAffine: true, init, name: 'a' });
  x = new SeededDropout({ rate: 0.5, seed: 5, spatial: true, name: 'drop' }).apply(x) as tfl.SymbolicTensor;
  x = upsample(x, { filters: 3, kernelSize: 3, norm: 'instance', normAffine: false, act: 'relu', init, name: 'up' });
  return tfl.model({ inputs: input, outputs: x });
}

test('save → load round trip keeps custom layers (InstanceNormalization, ReflectionPad2D, Crop2D, SeededDropout) and weights', async () => {
  const model = customModel();
  // Make the instance-norm affine non-trivial and advance the dropout counter.
  const gamma = model.getLayer('a_norm').getWeights()[0]!;
  model.getLayer('a_norm').setWeights([tf.add(gamma, 0.5), tf.fill([4], 0.25)]);
  const x = tf.randomNormal([2, 6, 5, 2], 0, 1, 'float32', 1);
  tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
  const { loaded, artifacts } = await roundTrip(model);

  const classes = (artifacts.modelTopology as { config: { layers: { class_name: string }[] } }).config.layers.map((l) => l.class_name);
  for (const c of ['InstanceNormalization', 'ReflectionPad2D', 'Crop2D', 'SeededDropout']) assert.ok(classes.includes(c), `${c} in topology`);
  const a = model.getWeights(), b = loaded.getWeights();
  assert.equal(a.length, b.length);
  a.forEach((w, i) => assert.deepEqual(Array.from(b[i]!.dataSync()), Array.from(w.dataSync())));
  const ya = model.predict(x) as tf.Tensor, yb = loaded.predict(x) as tf.Tensor;
  assert.deepEqual(yb.shape, [2, 12, 10, 3]);
  assert.deepEqual(Array.from(yb.dataSync()), Array.from(ya.dataSync()));
  // Training-mode calls draw the same masks: the counter (1 after one call) came along.
  const ta = model.apply(x, { training: true }) as tf.Tensor, tb = loaded.apply(x, { training: true }) as tf.Tensor;
  assert.deepEqual(Array.from(tb.dataSync()), Array.from(ta.dataSync()));
  const cfg = loaded.getLayer('up_norm').getConfig();
  assert.equal(cfg['affine'], false);
  assert.deepEqual(loaded.getLayer('up_crop').getConfig()['cropping'], [[1, 0], [1, 0]]);
});

test('a loaded PatchGAN still yields its features', async () => {
  const d = patchGanDiscriminator({ inChannels: 1, ndf: 2, nLayers: 2, norm: 'instance', init: { seed: 3 }, name: 'disc' });
  const { loaded } = await roundTrip(d);
  const f = patchGanFeatures(loaded);
  assert.equal(f.outputs.length, 4);
  const x = tf.randomNormal([1, 16, 16, 1], 0, 1, 'float32', 2);
  assert.deepEqual(Array.from(((f.predict(x) as tf.Tensor[])[3]!).dataSync()), Array.from((d.predict(x) as tf.Tensor).dataSync()));
});

test('SeededDropout: masks reproducible from the seed, different per call, identity at inference', () => {
  const make = () => {
    const input = tfl.input({ shape: [8] });
    return tfl.model({ inputs: input, outputs: new SeededDropout({ rate: 0.5, seed: 77 }).apply(input) as tfl.SymbolicTensor });
  };
  const x = tf.ones([4, 8]);
  const m1 = make(), m2 = make();
  const a1 = Array.from((m1.apply(x, { training: true }) as tf.Tensor).dataSync());
  const a2 = Array.from((m1.apply(x, { training: true }) as tf.Tensor).dataSync());
  const b1 = Array.from((m2.apply(x, { training: true }) as tf.Tensor).dataSync());
  assert.deepEqual(b1, a1);
  assert.notDeepEqual(a2, a1);
  assert.ok(a1.every((v) => v === 0 || v === 2));
  assert.deepEqual(Array.from((m1.predict(x) as tf.Tensor).dataSync()), new Array(32).fill(1));
  assert.equal(m1.getWeights()[0]!.dataSync()[0], 2);
});
